package dev.strata.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code strata ARGS} run in this JVM through {@link Main#run}: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** What an assertion message shows, so a failing run says what it printed. */
    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
