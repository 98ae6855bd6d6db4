package dev.strata.e2e;

import dev.strata.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The strata command in this JVM ({@link Main#run}), as a person at a shell runs it: machine-config, status, rollout. */
final class Cli {
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }
}
