package dev.strata.state;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link StateChild} JVM, with its output lines collected as they come. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Writer stdin;

    private ChildProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process died mid-line: what was read is what it said.
            }
        }, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StateChild.class.getName()));
        command.addAll(List.of(args));
        return new ChildProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    long pid() {
        return process.pid();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until some line matches; fails if the process ends first or the time runs out. */
    void awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().noneMatch(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("child " + pid() + " did not print the expected line in " + timeout
                        + "; it printed " + lines);
            }
            if (!process.isAlive() && !reader.isAlive() && lines.stream().noneMatch(wanted)) {
                throw new AssertionError("child " + pid() + " exited with " + process.exitValue()
                        + " without printing the expected line; it printed " + lines);
            }
            Thread.sleep(10);
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** SIGKILL, then waits for it to be gone and for its output to be read to the end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(60_000); // drain everything it said before dying, even on a loaded machine
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child " + pid() + " still running after " + timeout + "; it printed " + lines);
        }
        reader.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
