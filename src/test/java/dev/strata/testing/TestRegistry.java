package dev.strata.testing;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A running {@code docker-registry} on 127.0.0.1, plain HTTP, storage in a temporary folder that goes
 * when it stops. See {@link RegistryExtension}; {@link #push} puts small synthetic images into it.
 */
public final class TestRegistry implements AutoCloseable {
    /** A user and password the registry accepts (htpasswd, bcrypt). */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", password=***]";
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path dir;
    private final int port;
    private final Optional<Login> login;
    private final Thread reaper;

    private TestRegistry(Process process, Path dir, int port, Optional<Login> login) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.login = login;
        this.reaper = new Thread(process::destroyForcibly, "test-registry-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts a registry and waits until it answers {@code GET /v2/}. */
    public static TestRegistry start(Optional<Login> login) throws IOException, InterruptedException {
        Path binary = binary();
        Path dir = Files.createTempDirectory("strata-registry-");
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            Path config = writeConfig(dir, port, login);
            Path log = dir.resolve("registry.log");
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_")); // they override the config
            Process process = pb.start();
            if (awaitReady(process, port)) return new TestRegistry(process, dir, port, login);
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            last = new IOException("docker-registry did not answer on 127.0.0.1:" + port + " within "
                    + READY_TIMEOUT.toSeconds() + " s; its log:\n" + Files.readString(log));
        }
        deleteTree(dir);
        throw last;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}: the registry part of a reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public Optional<Login> login() {
        return login;
    }

    /** {@code 127.0.0.1:PORT/REPOSITORY[:TAG]}. */
    public String reference(String repositoryAndTag) {
        return host() + "/" + repositoryAndTag;
    }

    /** A folder that lives as long as the registry does, for a test's own files. */
    public Path scratch() throws IOException {
        return Files.createTempDirectory(dir, "scratch-");
    }

    /** Pushes a one-file image with {@code content} to {@code repository:tag}; returns its manifest digest. */
    public String push(String repositoryAndTag, String content) throws Exception {
        return push(repositoryAndTag, SyntheticImage.of(content));
    }

    /** Pushes {@code image} to {@code repository:tag}; returns its manifest digest (the index's, for several platforms). */
    public String push(String repositoryAndTag, SyntheticImage image) throws Exception {
        return image.push(reference(repositoryAndTag), login, dir.resolve("jib-cache"));
    }

    /** Writes a docker {@code config.json} into {@code folder} with an {@code auths} entry for this registry. */
    public Path writeDockerConfig(Path folder, String user, String password) throws IOException {
        Files.createDirectories(folder);
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Files.writeString(folder.resolve("config.json"),
                "{\"auths\": {\"" + host() + "\": {\"auth\": \"" + auth + "\"}}}\n");
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 5 s) and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook runs anyway.
        }
        deleteTree(dir);
    }

    private static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        List<Path> candidates = Stream.concat(Stream.of(path.split(":")).filter(s -> !s.isEmpty())
                .map(p -> Path.of(p, "docker-registry")), Stream.of(Path.of("/usr/bin/docker-registry"))).toList();
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "docker-registry is not installed, and the registry integration tests need a real OCI registry."
                        + " Install it (Debian/Ubuntu: sudo apt-get install -y --no-install-recommends docker-registry),"
                        + " or run .ci/run, which installs what the tests need."));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path writeConfig(Path dir, int port, Optional<Login> login) throws IOException {
        StringBuilder yaml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log: {level: warn, accesslog: {disabled: true}}\n")
                .append("storage: {filesystem: {rootdirectory: '").append(dir.resolve("data")).append("'}, delete: {enabled: true}}\n")
                .append("http: {addr: '127.0.0.1:").append(port).append("', secret: test-only}\n");
        if (login.isPresent()) {
            Path htpasswd = Files.writeString(dir.resolve("htpasswd"), htpasswdLine(login.get()) + "\n");
            yaml.append("auth: {htpasswd: {realm: strata-test, path: '").append(htpasswd).append("'}}\n");
        }
        return Files.writeString(dir.resolve("config.yml"), yaml.toString());
    }

    /** What {@code htpasswd -Bbn USER PASSWORD} prints (bcrypt; the registry accepts no other scheme). */
    static String htpasswdLine(Login login) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        // Cost 4, the least bcrypt allows: the registry checks the password on every request.
        return login.user() + ":" + OpenBSDBCrypt.generate("2y", login.password().toCharArray(), salt, 4);
    }

    private static boolean awaitReady(Process process, int port) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                int status = http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) return true;
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test registry's folder " + dir, e);
        }
    }
}
