package dev.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/** Entry point of the strata command. Thin: parsing and printing only; the work lives in the packages. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; tests call this with string writers. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(args)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::unexpected);
        return cli.execute(args);
    }

    /**
     * The command tree for {@code args}. picocli builds its model of a command by reflection, and the
     * whole tree takes a fifth of a second of CPU before anything runs; when the first argument names a
     * subcommand, only that one is built, under a root of the same name, so it parses, helps and fails
     * exactly as it does in the whole tree. Anything else (options first, help, a misspelt subcommand)
     * gets the whole tree. The subcommands are those listed on {@link StrataCommand}.
     */
    static CommandLine commandLine(String... args) {
        Command root = StrataCommand.class.getAnnotation(Command.class);
        if (args.length > 0) {
            for (Class<?> sub : root.subcommands()) {
                Command c = sub.getAnnotation(Command.class);
                if (c != null && c.name().equals(args[0])) {
                    CommandSpec only = CommandSpec.wrapWithoutInspection(new StrataCommand()).name(root.name());
                    only.addSubcommand(c.name(), new CommandLine(sub));
                    return new CommandLine(only);
                }
            }
        }
        return new CommandLine(new StrataCommand());
    }

    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("strata: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return ExitCodes.USAGE;
    }

    static int unexpected(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof UserError u) {
            err.println("strata: " + u.getMessage());
            return u.exitCode();
        }
        if (e instanceof dev.strata.state.StateStoreException s) {
            // A state file that is not Strata's, too new, or unreadable: the message says which and what to do.
            err.println("strata: state: " + s.getMessage());
            return ExitCodes.FAILURE;
        }
        err.println("strata: unexpected failure: " + e);
        String debug = System.getenv("STRATA_DEBUG");
        if (debug != null && !debug.isEmpty() && !debug.equals("0")) {
            e.printStackTrace(err);
        } else {
            err.println("Set STRATA_DEBUG=1 to print the stack trace, and please report it.");
        }
        return ExitCodes.FAILURE;
    }
}
