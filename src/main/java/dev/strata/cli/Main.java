package dev.strata.cli;

import picocli.CommandLine;

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
        CommandLine cli = new CommandLine(new StrataCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::unexpected);
        return cli.execute(args);
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("strata: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return ExitCodes.USAGE;
    }

    private static int unexpected(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
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
