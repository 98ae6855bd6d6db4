package dev.strata.cli;

import dev.strata.delivery.Tokens;
import dev.strata.serve.WebhookSecret;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.StrataChild;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strata serve as a user runs it, in a JVM of its own: a fleet in a Git repository whose base is in a
 * real registry, a reconcile at start that builds, a signed push that reconciles the new commit, the
 * agent's target with its token, and a graceful stop on SIGTERM. Secrets never reach the log.
 */
class ServeCommandTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final String ID1 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String PREFIX = "pX7kQ2mW9rT4vY8z";
    static final String SECRET = "webhook-secret-9f8e7d6c5b4a";

    @TempDir
    Path tmp;
    private int commits;

    @BeforeAll
    static void pushBase() throws Exception {
        FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z")).push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    @Test
    void servesReconcilesOnASignedPushAndStopsGracefully() throws Exception {
        Git git = Git.init().setDirectory(tmp.resolve("repo").toFile()).setInitialBranch("main").call();
        String first = commitFleet(git, "server ntp1 iburst");
        String token;
        try (StateStore store = SqliteStateStore.open(tmp.resolve("state.db"))) { // as machine-config issues it
            Tokens.Issued issued = Tokens.issue(ID1, Instant.now());
            store.recordMachineToken(issued.record());
            token = issued.token();
        }
        Path secretFile = tmp.resolve("webhook.secret");
        Files.writeString(secretFile, SECRET + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));

        try (StrataChild.Running serve = StrataChild.start(List.of(), "serve", "--repo", tmp.resolve("repo").toString(),
                "--state", tmp.resolve("state.db").toString(), "--listen", "127.0.0.1:0", "--interval", "0",
                "--path-prefix", "/" + PREFIX + "/", "--webhook-secret-file", secretFile.toString())) {
            String listening = serve.awaitErrLine("listening on", Duration.ofSeconds(60));
            Matcher port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+) \\(below the path prefix, not shown\\)").matcher(listening);
            assertThat(port.find()).as(listening).isTrue();
            URI base = URI.create("http://127.0.0.1:" + port.group(1) + "/" + PREFIX + "/");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            serve.awaitErrLine("reconcile \\(startup\\) ok in [0-9.]+s: at " + first.substring(0, 12) + ": 1 applied", Duration.ofSeconds(120));
            assertThat(get(http, base.resolve("healthz"), null).statusCode()).isEqualTo(200);
            HttpResponse<String> target = get(http, base.resolve("v1/machines/" + ID1 + "/target"), token);
            assertThat(target.statusCode()).as(target.body()).isEqualTo(200);
            assertThat(target.body()).contains("\"group\":\"lab\"");
            assertThat(get(http, base.resolve("v1/machines/" + ID1 + "/target"), "wrong").statusCode()).isEqualTo(401);

            String second = commitFleet(git, "server ntp2 iburst");
            byte[] push = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + second + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(hook(http, base, push, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = hook(http, base, push, WebhookSecret.of(SECRET).signatureOf(push));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            serve.awaitErrLine("reconcile \\(webhook\\) ok in [0-9.]+s: at " + second.substring(0, 12) + ": ", Duration.ofSeconds(120));
            assertThat(get(http, base.resolve("metrics"), null).body())
                    .contains("strata_reconcile_runs_total{result=\"ok\"} 2", "strata_http_requests_total{route=\"git_hook\",code=\"401\"} 1");

            StrataChild.Result stopped = serve.stop(Duration.ofSeconds(60));
            assertThat(stopped.exitCode()).as("SIGTERM, after a graceful stop").isEqualTo(143);
            assertThat(stopped.err()).contains("stopping: ").endsWith("stopped");
            for (String secret : new String[] {token, SECRET, PREFIX}) {
                assertThat(stopped.err()).doesNotContain(secret);
                assertThat(stopped.out()).doesNotContain(secret);
            }
        }
        git.close();
    }

    @Test
    void badOptionsAreUsageErrorsThatSayWhatToDo() throws Exception {
        assertThat(run("serve", "--listen", "localhost")).contains("--listen: 'localhost' is not HOST:PORT");
        assertThat(run("serve", "--listen", "127.0.0.1:99999")).contains("no port from 0 to 65535");
        assertThat(run("serve", "--tls-cert", "c.pem")).contains("--tls-cert and --tls-key go together");
        assertThat(run("serve", "--tls-cert", tmp.resolve("c.pem").toString(), "--tls-key", "k.pem"))
                .contains("--tls-cert: no such file: " + tmp.resolve("c.pem"));
        assertThat(run("serve", "--path-prefix", "/a/../b")).contains("--path-prefix '/a/../b': segment '..'");
        assertThat(run("serve", "--interval", "often")).contains("--interval: 'often' is not a duration");
        assertThat(run("serve", "--webhook-secret-file", tmp.resolve("none").toString()))
                .contains("--webhook-secret-file: no such file");
        Files.writeString(tmp.resolve("empty"), "\n");
        assertThat(run("serve", "--webhook-secret-file", tmp.resolve("empty").toString())).contains("is empty");
    }

    /** Runs in this JVM; these all fail before anything is opened. Returns stderr, after checking exit code 64. */
    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        return err.toString();
    }

    private static HttpResponse<String> get(HttpClient http, URI url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> hook(HttpClient http, URI base, byte[] body, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("v1/hooks/git")).timeout(Duration.ofSeconds(30))
                .header("X-GitHub-Event", "push").header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String commitFleet(Git git, String chrony) throws Exception {
        TestRegistry r = REGISTRY.registry();
        write("fleet.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Fleet
                metadata: {name: t}
                spec:
                  registry: %s
                  insecureRegistries: ["%s"]
                  mirrors:
                    - {from: quay.io/fedora, to: %s}
                """.formatted(r.reference("fleet"), r.host(), r.reference("fedora")));
        write("streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: quay.io/fedora/fedora-coreos, tag: stable}
                """);
        write("images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers: [{name: config, files: [{path: /etc/chrony.d/dc.conf, content: "%s\\n"}]}]
                """.formatted(chrony));
        write("groups/lab.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: MachineGroup
                metadata: {name: lab}
                spec:
                  image: dc
                  delivery: bootc
                  machines:
                    - {id: %s, name: lab-1}
                    - {id: 00112233445566778899aabbccddeeff, name: lab-2}
                  rollout:
                    waves:
                      - {name: canary, machines: [lab-1]}
                      - {name: rest, percent: 100}
                    maxUnavailable: 1
                """.formatted(ID1));
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("T", "t@example.com", Instant.now().minusSeconds(3600 - 60L * commits++), ZoneOffset.UTC);
        return git.commit().setMessage("chrony: " + chrony).setAuthor(who).setCommitter(who).setSign(false).call().name();
    }

    private void write(String path, String content) throws Exception {
        Path p = tmp.resolve("repo").resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
