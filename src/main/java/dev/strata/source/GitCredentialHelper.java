package dev.strata.source;

import org.eclipse.jgit.transport.URIish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks git's configured credential helpers (credential.helper: store, cache, libsecret, a GitHub CLI
 * helper ...) by running {@code git credential fill}, exactly as git itself would. Read-only: Strata
 * never approves or rejects credentials, so it never changes what a helper has stored. The helper's
 * output is never logged.
 */
final class GitCredentialHelper {
    private static final long TIMEOUT_SECONDS = 30;
    private static final int MAX_OUTPUT = 64 * 1024;

    private final Path git;
    private final Map<String, String> env;

    private GitCredentialHelper(Path git, Map<String, String> env) {
        this.git = git;
        this.env = env;
    }

    /** Present when a {@code git} executable is on the PATH of {@code env}. */
    static Optional<GitCredentialHelper> find(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "git");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new GitCredentialHelper(candidate, env));
            }
        }
        return Optional.empty();
    }

    Optional<GitCredentials.Login> fill(URIish uri, Optional<String> userHint) {
        if (uri.getHost() == null) return Optional.empty();
        StringBuilder request = new StringBuilder();
        request.append("protocol=").append(uri.getScheme().toLowerCase(Locale.ROOT)).append('\n');
        request.append("host=").append(uri.getHost()).append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append('\n');
        String p = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        if (!p.isEmpty()) request.append("path=").append(p).append('\n');
        userHint.ifPresent(u -> request.append("username=").append(u).append('\n'));
        request.append('\n');

        ProcessBuilder pb = new ProcessBuilder(git.toString(), "credential", "fill");
        pb.environment().clear();
        pb.environment().putAll(env);
        // Never prompt: a reconciler has no one at the terminal, and a GUI askpass would hang it.
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GCM_INTERACTIVE", "never");
        pb.environment().remove("GIT_ASKPASS");
        pb.environment().remove("SSH_ASKPASS");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = null;
        try {
            process = pb.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(request.toString().getBytes(StandardCharsets.UTF_8));
            }
            // The answer is a few lines, well within a pipe's buffer: wait first, so a stuck helper times out.
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) return Optional.empty();
            byte[] out;
            try (InputStream stdout = process.getInputStream()) {
                out = stdout.readNBytes(MAX_OUTPUT);
            }
            return parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (process != null && process.isAlive()) process.destroyForcibly();
        }
    }

    static Optional<GitCredentials.Login> parse(String output) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1).replaceFirst("\r$", ""));
        }
        String password = values.get("password");
        if (password == null || password.isEmpty()) return Optional.empty();
        return Optional.of(new GitCredentials.Login(values.getOrDefault("username", ""), password));
    }
}
