package dev.strata.testing;

import dev.strata.cli.Main;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code strata ARGS} in a JVM of its own on the test class path, as a user's shell would, and waits for it;
 * or starts any main class there and leaves it running ({@link #spawn}), for tests that kill it.
 */
public final class StrataChild {
    private StrataChild() {
    }

    public record Result(int exitCode, String out, String err) {
    }

    /** @param properties JVM options such as {@code -Dstrata.test.crashAfter=1} */
    public static Result run(Duration timeout, List<String> properties, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(properties);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> text(p.getErrorStream()));
        String out = text(p.getInputStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("strata " + String.join(" ", args) + " still running after " + timeout);
        }
        return new Result(p.exitValue(), out, err.join());
    }

    /**
     * Starts {@code strata ARGS} and leaves it running (strata serve): stderr is collected line by line as it
     * comes, so a test can wait for a line; {@link Running#stop} sends SIGTERM, as systemd and Kubernetes do.
     */
    public static Running start(List<String> properties, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(properties);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new Running(new ProcessBuilder(command).start(), String.join(" ", args));
    }

    /** A running strata command. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final String what;
        private final List<String> err = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final CompletableFuture<String> out;
        private final Thread errReader;

        private Running(Process process, String what) throws IOException {
            this.process = process;
            this.what = what;
            process.getOutputStream().close();
            out = CompletableFuture.supplyAsync(() -> text(process.getInputStream()));
            errReader = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) err.add(line);
                } catch (IOException e) {
                    // the process is gone
                }
            }, "strata-child-stderr");
            errReader.setDaemon(true);
            errReader.start();
        }

        /** The first stderr line matching {@code pattern} (a regular expression found anywhere in the line), waiting up to {@code timeout}. */
        public String awaitErrLine(String pattern, Duration timeout) throws InterruptedException {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : err) if (p.matcher(line).find()) return line;
                if (!process.isAlive() && !errReader.isAlive()) break;
                Thread.sleep(20);
            }
            throw new AssertionError("strata " + what + ": no stderr line matching /" + pattern + "/ within " + timeout
                    + "; stderr so far:\n" + String.join("\n", err));
        }

        public List<String> errLines() {
            return List.copyOf(err);
        }

        /** SIGTERM, then waits for the exit; returns the result with everything it printed. */
        public Result stop(Duration timeout) throws InterruptedException {
            // Through the handle: Process.destroy() would also close our ends of its pipes, losing what it prints while stopping.
            process.toHandle().destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("strata " + what + " still running " + timeout + " after SIGTERM");
            }
            errReader.join(5_000);
            return new Result(process.exitValue(), out.join(), String.join("\n", err));
        }

        /** SIGKILL, as {@code kill -9} would, then waits until it is gone (its port and files are free). */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("strata " + what + " outlived SIGKILL");
            errReader.join(5_000);
        }

        @Override
        public void close() {
            if (process.isAlive()) process.destroyForcibly();
        }
    }

    private static String text(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code main} in a JVM of its own on the test class path and returns at once; its output lines are
     * collected as they come, and stderr goes to the test's stderr.
     */
    public static Spawned spawn(Class<?> main, List<String> properties, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(properties);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new Spawned(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** A child JVM that is still running: what it printed so far, and SIGKILL. */
    public static final class Spawned implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread reader;

        private Spawned(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) lines.add(line);
                } catch (IOException e) {
                    // The process died mid-line: what was read is what it said.
                }
            }, "child-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        public long pid() {
            return process.pid();
        }

        public List<String> lines() {
            return List.copyOf(lines);
        }

        /** Waits until {@code wanted} lines match; fails when the process ends first or the time runs out. */
        public void awaitLines(java.util.function.Predicate<String> wanted, int count, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.stream().filter(wanted).count() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("child " + pid() + " did not print " + count + " expected lines in " + timeout
                            + "; it printed " + lines.size() + " lines, the last: " + tail());
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("child " + pid() + " exited with " + process.exitValue()
                            + " before printing the expected lines; the last it printed: " + tail());
                }
                Thread.sleep(10);
            }
        }

        /** SIGKILL, then waits until it is gone and everything it printed is read. */
        public void kill() throws InterruptedException {
            // Through the handle: Process.destroyForcibly() also closes our end of its stdout, losing lines
            // still in the pipe (a test would then miss a release the child printed before it died).
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(60_000);
        }

        private List<String> tail() {
            List<String> all = lines();
            return all.subList(Math.max(0, all.size() - 5), all.size());
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) kill();
        }
    }
}
