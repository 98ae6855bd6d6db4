package dev.strata.scenario;

import dev.strata.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the strata command: in this JVM through {@link Main#run}, or as a child JVM on the test class path. */
final class Strata {
    /** Every scenario plans as of this time: Friday 01:30 in Berlin, inside dc-east's night window. */
    static final String NOW = "2026-11-27T00:30:00Z";

    private Strata() {
    }

    /** What one command line printed and returned. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A command line with more arguments. */
    static String[] plus(String[] args, String... more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    /** Starts {@code mainClass} in a JVM of its own, with the test class path and {@code -D} properties. */
    static Process start(List<String> properties, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // Short-lived: the quickest JIT tier starts them fastest.
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    /** {@code strata ARGS} in a child JVM, waited for. */
    static Run child(List<String> properties, String... args) throws IOException, InterruptedException {
        dev.strata.testing.StrataChild.Result r = dev.strata.testing.StrataChild.run(java.time.Duration.ofSeconds(60), properties, args);
        return new Run(r.exitCode(), r.out(), r.err());
    }
}
