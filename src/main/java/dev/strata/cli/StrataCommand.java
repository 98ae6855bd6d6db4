package dev.strata.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataCommand.Version.class,
        description = "GitOps for fleets of image-based machines (Fedora CoreOS, bootc): "
                + "YAML specs in Git become built OS images and staged rollouts.",
        subcommands = {ValidateCommand.class, PlanCommand.class, ApplyCommand.class, BuildCommand.class, ReconcileCommand.class,
                ServeCommand.class, StatusCommand.class, MachineConfigCommand.class, MachinesCommand.class, RolloutCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                " 0:success; the fleet is valid; no changes",
                " 1:failure",
                " 2:changes present (plan, reconcile --detailed-exitcode)",
                " 3:a group is halted by its failure policy",
                "64:usage error (unknown option, missing folder)",
                "65:invalid specs",
                "75:another run holds the run lock",
                "76:a saved plan is stale"})
public final class StrataCommand implements java.util.concurrent.Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = StrataCommand.class.getResourceAsStream("/dev/strata/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[]{"strata " + p.getProperty("version", "unknown")};
        }
    }
}
