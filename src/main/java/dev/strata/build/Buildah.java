package dev.strata.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs buildah (docs/build.md#containerfile-layers) on Strata's own storage under
 * {@code <workDir>/cache/buildah}, so builds neither see nor fill a user's containers storage. Each call
 * gets a registries.conf that lists only the run's insecure registries (plain HTTP for them, verified
 * HTTPS for every other) and an auth file passed by path, never a credential on a command line.
 */
final class Buildah {
    static final String INSTALL_HINT = "install buildah (Debian and Ubuntu: apt-get install buildah; Fedora: dnf install buildah),"
            + " or point STRATA_BUILDAH at it";
    /** Lines of buildah's output a failure quotes. */
    private static final int TAIL_LINES = 15;

    private final Path executable;
    private final Path storage;

    Buildah(Path executable, Path storage) {
        this.executable = executable;
        this.storage = storage;
    }

    /**
     * The buildah to run: {@code override} when given (it must be an executable file), else the first
     * {@code buildah} on {@code path}; empty when there is none.
     */
    static Optional<Path> find(Optional<String> override, String path) {
        if (override.isPresent()) {
            Path p = Path.of(override.get());
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "buildah");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Settings of one call: the registries.conf and auth file it uses, and where its output goes. */
    record Call(Path registriesConf, Path authFile, Path log) {
    }

    /** Runs {@code buildah <global options> args}; returns its output, or fails quoting the end of it. */
    String run(Call call, String doing, List<String> args) throws BuildFailure, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--root", storage.resolve("storage").toString(), "--runroot", storage.resolve("run").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(call.log().toFile());
        Map<String, String> env = pb.environment();
        env.put("CONTAINERS_REGISTRIES_CONF", call.registriesConf().toString());
        env.put("REGISTRY_AUTH_FILE", call.authFile().toString());
        env.put("TMPDIR", storage.resolve("tmp").toString());
        env.remove("BUILDAH_LAYERS");
        try {
            Files.createDirectories(storage.resolve("tmp"));
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new BuildFailure("buildah took more than 2 hours to " + doing);
            }
            String out = Files.readString(call.log(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new BuildFailure("buildah could not " + doing + " (exit " + p.exitValue() + "):\n" + tail(out));
            }
            return out;
        } catch (IOException e) {
            throw new BuildFailure("cannot run " + executable + " to " + doing + ": " + e.getMessage() + "; " + INSTALL_HINT);
        } catch (InterruptedException e) {
            throw e;
        }
    }

    private static String tail(String out) {
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()))
                .indent(2).stripTrailing();
    }
}
