package dev.strata.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command line that starts with a subcommand builds only that subcommand, and it behaves exactly as
 * it does in the whole tree: same help, same usage errors, same exit codes, nested subcommands included.
 */
class MainTest {

    @Test
    void eachSubcommandAloneHelpsAndFailsAsInTheWholeTree() {
        CommandLine whole = configured(new CommandLine(new StrataCommand()));
        List<String> names = new ArrayList<>();
        for (Class<?> sub : StrataCommand.class.getAnnotation(Command.class).subcommands()) {
            names.add(sub.getAnnotation(Command.class).name());
        }
        assertThat(names).hasSameElementsAs(whole.getSubcommands().keySet()).contains("validate", "plan");

        for (String name : names) {
            CommandLine alone = Main.commandLine(name, "--help");
            assertThat(alone.getSubcommands()).containsOnlyKeys(name);
            assertSameRun(whole, name, "--help");
            assertSameRun(whole, name, "--no-such-option");
            for (Map.Entry<String, CommandLine> nested : whole.getSubcommands().get(name).getSubcommands().entrySet()) {
                assertSameRun(whole, name, nested.getKey(), "--help");
            }
        }
    }

    @Test
    void anythingButASubcommandFirstGetsTheWholeTree() {
        int all = new CommandLine(new StrataCommand()).getSubcommands().size();
        assertThat(Main.commandLine("--help").getSubcommands()).hasSize(all);
        assertThat(Main.commandLine("valdate").getSubcommands()).hasSize(all);
        assertThat(Main.commandLine().getSubcommands()).hasSize(all);
        assertThat(ValidateCommandTest.strata("valdate").err()).contains("Did you mean", "validate");
    }

    /** Main.run on {@code args} prints and returns what the whole tree does. */
    private static void assertSameRun(CommandLine whole, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = configured(whole).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        ValidateCommandTest.Run run = ValidateCommandTest.strata(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(code);
        assertThat(run.out()).as(String.join(" ", args)).isEqualTo(out.toString());
        assertThat(run.err()).as(String.join(" ", args)).isEqualTo(err.toString());
    }

    private static CommandLine configured(CommandLine cli) {
        return cli.setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::unexpected);
    }
}
