package dev.strata.cli;

import dev.strata.render.DiagnosticsRenderer;
import dev.strata.source.FolderTree;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a fleet's spec files and report every problem with its file:line:col.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:the fleet is valid (warnings allowed)", " 1:unexpected failure",
                "64:usage error", "65:invalid specs"})
final class ValidateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".",
            description = "The fleet folder: the one holding the Fleet document (default: the current folder).")
    Path path;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output: text, json or github (GitHub Actions annotations). Default: ${DEFAULT-VALUE}.")
    DiagnosticsRenderer.Format format;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(path)) {
            throw new UserError("no such folder: " + path + " (give the folder that holds the fleet's Fleet document)",
                    ExitCodes.USAGE);
        }
        FleetLocation where = FleetLocation.of(path);
        Validation v = new Validator().validate(new FolderTree(where.repositoryRoot()), where.folder());
        DiagnosticsRenderer.render(v, where.display(), format, spec.commandLine().getOut());
        return v.valid() ? ExitCodes.OK : ExitCodes.INVALID_SPECS;
    }
}
