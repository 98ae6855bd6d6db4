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

/** Runs {@code strata ARGS} in a JVM of its own on the test class path, as a user's shell would, and waits for it. */
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

    private static String text(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
