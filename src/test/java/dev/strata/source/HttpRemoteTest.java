package dev.strata.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real clone over HTTP with Basic authentication: a JDK HTTP server serves the upstream's .git
 * folder as git's "dumb" HTTP protocol, and answers 401 to anything without the expected credentials.
 */
class HttpRemoteTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile String expected;
    private TestRepo upstream;
    private RevCommit commit;

    @BeforeEach
    void serve() throws Exception {
        upstream = TestRepo.init(tmp.resolve("upstream"));
        commit = upstream.write("fleet.yaml", "served\n").commit("one");
        Path gitDir = upstream.git.getRepository().getDirectory().toPath();
        StringBuilder refs = new StringBuilder();
        for (Ref r : upstream.git.getRepository().getRefDatabase().getRefsByPrefix("refs/")) {
            refs.append(r.getObjectId().name()).append('\t').append(r.getName()).append('\n');
        }
        Files.createDirectories(gitDir.resolve("info"));
        Files.writeString(gitDir.resolve("info/refs"), refs);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fleet.git/", exchange -> handle(exchange, gitDir));
        server.start();
    }

    private void handle(HttpExchange exchange, Path gitDir) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "none" : new String(Base64.getDecoder().decode(auth.substring("Basic ".length())),
                StandardCharsets.UTF_8));
        if (auth == null || !auth.equals("Basic " + Base64.getEncoder().encodeToString(expected.getBytes(StandardCharsets.UTF_8)))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fleet\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        Path file = gitDir.resolve(exchange.getRequestURI().getPath().substring("/fleet.git/".length())).normalize();
        if (!file.startsWith(gitDir) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
        upstream.close();
    }

    private String url(String userInfo) {
        return "http://" + userInfo + "127.0.0.1:" + server.getAddress().getPort() + "/fleet.git";
    }

    private GitSource.Options options(Map<String, String> env) {
        return GitSource.Options.defaults().withCacheDir(tmp.resolve("cache")).withEnv(env).withHome(tmp.resolve("home"));
    }

    @Test
    void aTokenFromTheEnvironmentIsUsedAndStoredNowhere() throws Exception {
        expected = "x-access-token:ghp_envtoken123";
        try (GitSource source = GitSource.open(url(""), options(Map.of("STRATA_GIT_TOKEN", "ghp_envtoken123")))) {
            GitTree head = source.head();
            assertThat(head.commitId()).isEqualTo(commit.name());
            assertThat(new String(head.read("fleet.yaml", 100), StandardCharsets.UTF_8)).isEqualTo("served\n");
            assertThat(head.describe()).isEqualTo(url("") + "@" + commit.name().substring(0, 12));
        }
        assertThat(authorizations).first().isEqualTo("none");
        assertThat(authorizations).contains("x-access-token:ghp_envtoken123");
        assertThat(filesContaining(tmp.resolve("cache"), "ghp_envtoken123")).isEmpty();
    }

    @Test
    void credentialsInTheUrlAreUsedButNeverStoredOrShown() throws Exception {
        expected = "alice:s3cret-pass";
        try (GitSource source = GitSource.open(url("alice:s3cret-pass@"), options(Map.of()))) {
            assertThat(source.display()).isEqualTo(url(""));
            assertThat(source.head().describe()).doesNotContain("s3cret").doesNotContain("alice");
        }
        assertThat(filesContaining(tmp.resolve("cache"), "s3cret-pass")).isEmpty();
    }

    @Test
    void whenEveryCredentialIsTurnedDownTheErrorNamesTheRepositoryButNoSecret() {
        expected = "someone:else";
        Map<String, String> env = Map.of("STRATA_GIT_TOKEN", "ghp_wrongtoken9");
        assertThatThrownBy(() -> GitSource.open(url("alice:s3cret-pass@"), options(env)))
                .isInstanceOfSatisfying(SourceException.class, e -> {
                    assertThat(e.getMessage()).startsWith("cannot clone " + url("") + ": ")
                            .contains("not authorized")
                            .doesNotContain("s3cret-pass").doesNotContain("ghp_wrongtoken9").doesNotContain("alice");
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain("s3cret-pass").doesNotContain("ghp_wrongtoken9");
                });
        // The URL's own credentials first, then the environment's token; then nothing more to try.
        assertThat(authorizations).startsWith("none", "alice:s3cret-pass", "x-access-token:ghp_wrongtoken9");
    }

    private static List<Path> filesContaining(Path root, String secret) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
