package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.strata.serve.FleetLockHttpTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signed push webhook on the real server: only a body signed with the shared secret triggers a
 * reconcile, and pushes that arrive during one coalesce. The reconcile here is a gated stand-in for
 * the reconciler, so the test controls when a run ends (the real one runs in ServeCommandTest).
 */
class WebhookTest {
    private static final WebhookSecret SECRET = WebhookSecret.of("It's a Secret to Everybody");
    private static final String PUSH = "{\"ref\":\"refs/heads/main\",\"after\":\"0123abc\",\"commits\":[]}";

    @TempDir
    Path dir;

    @Test
    void githubsDocumentedExampleSignatureMatches() {
        // The example in GitHub's webhook documentation: this secret, body "Hello, World!".
        assertThat(SECRET.signatureOf("Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void onlyACorrectlySignedPushTriggersAReconcile() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.of(SECRET))) {
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue(); // the startup run
            assertThat(task.runs.get()).isEqualTo(1);

            assertError(hook(f, PUSH, Optional.empty()), 401, "unauthorized", "X-Hub-Signature-256");
            assertError(hook(f, PUSH, Optional.of(SECRET.signatureOf((PUSH + " ").getBytes(StandardCharsets.UTF_8)))), 401,
                    "unauthorized", "signature");
            assertError(hook(f, PUSH, Optional.of(WebhookSecret.of("another secret").signatureOf(PUSH.getBytes(StandardCharsets.UTF_8)))),
                    401, "unauthorized", "signature");
            String good = SECRET.signatureOf(PUSH.getBytes(StandardCharsets.UTF_8));
            assertError(hook(f, PUSH, Optional.of(good.substring(7))), 401, "unauthorized", "signature"); // no sha256=
            assertError(hook(f, PUSH, Optional.of("sha1=" + good.substring(7))), 401, "unauthorized", "signature");
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).as("no reconcile for a bad signature").isEqualTo(1);

            HttpResponse<String> ping = f.send(request(f, PUSH, Optional.of(good)).setHeader("X-GitHub-Event", "ping"));
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).as("a ping is not a push").isEqualTo(1);

            HttpResponse<String> push = hook(f, PUSH, Optional.of(good.toUpperCase().replace("SHA256=", "sha256=")));
            assertThat(push.statusCode()).as(push.body()).isEqualTo(202);
            assertThat(push.body()).isEqualTo("{\"reconcile\":\"started\"}");
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(2);
            assertThat(loop.last().orElseThrow().trigger()).isEqualTo("webhook");
            assertError(f.get("v1/hooks/git"), 405, "method_not_allowed", "POST");
        }
    }

    @Test
    void pushesDuringAReconcileCoalesceIntoOneMoreRun() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        task.release = new CountDownLatch(1);
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.of(SECRET))) {
            assertThat(task.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the startup run, held open
            String signature = SECRET.signatureOf(PUSH.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = hook(f, PUSH, Optional.of(signature));
                assertThat(r.statusCode()).isEqualTo(202);
                assertThat(r.body()).isEqualTo("{\"reconcile\":\"queued\"}");
            }
            task.release.countDown();
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(2);
            assertThat(task.maxConcurrent.get()).isEqualTo(1);
            assertThat(f.get("metrics").body()).contains("strata_http_requests_total{route=\"git_hook\",code=\"202\"} 5",
                    "strata_reconcile_runs_total{result=\"ok\"} 2", "strata_reconcile_last_result{result=\"ok\"} 1");
        }
    }

    @Test
    void onlyAPushToTheFollowedRefTriggersAReconcile() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.of(SECRET))) {
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            for (String other : new String[] {"refs/heads/feature/x", "refs/heads/main2", "refs/tags/main", "refs/heads/maiñ"}) {
                HttpResponse<String> r = signed(f, "{\"ref\":\"" + other + "\",\"commits\":[{\"ref\":\"refs/heads/main\"}]}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"reconcile\":\"ignored\",\"ref\":\"" + other + "\",\"follows\":\"refs/heads/main\"}");
            }
            HttpResponse<String> issue = f.send(request(f, PUSH, Optional.of(sign(PUSH))).setHeader("X-GitHub-Event", "issues"));
            assertThat(issue.statusCode()).isEqualTo(200);
            assertThat(issue.body()).isEqualTo("{\"reconcile\":\"none\",\"event\":\"issues\"}");
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).as("no reconcile for other refs and events").isEqualTo(1);

            // The ref is read at the top level only, wherever it comes in the object.
            HttpResponse<String> main = signed(f, "{\"before\":\"a\",\"commits\":[{\"ref\":\"refs/heads/x\"}],\"ref\":\"refs/heads/main\"}");
            assertThat(main.statusCode()).as(main.body()).isEqualTo(202);
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(2);
        }
    }

    @Test
    void everyInputIsCheckedAfterTheSignatureAndABadOneTriggersNothing() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.of(SECRET))) {
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            String[][] bad = {
                    {"", "not a JSON object"},
                    {"[\"refs/heads/main\"]", "not a JSON object"},
                    {"{\"ref\":\"refs/heads/main\"", "not valid JSON"},
                    {"{\"ref\":\"refs/heads/main\"} {}", "data after its JSON object"},
                    {"{\"after\":\"0123abc\"}", "has none"},
                    {"{\"ref\":42}", "'ref' is not a string"},
                    {"{\"ref\":\"refs/heads/main\",\"ref\":\"refs/heads/dev\"}", "Duplicate field 'ref'"},
                    {"{\"ref\":\"main\"}", "not a Git ref name"},
                    {"{\"ref\":\"refs/heads/a b\"}", "not a Git ref name"},
                    {"{\"ref\":\"refs/heads/../main\"}", "not a Git ref name"},
                    {"{\"ref\":\"refs/heads/main\\n\"}", "not a Git ref name"},
            };
            for (String[] b : bad) {
                assertError(signed(f, b[0]), 400, "invalid_request", b[1]);
                assertError(hook(f, b[0], Optional.empty()), 401, "unauthorized", "signature"); // unsigned: nothing more said
            }
            assertError(f.send(request(f, PUSH, Optional.of(sign(PUSH))).setHeader("Content-Type", "application/x-www-form-urlencoded")),
                    400, "invalid_request", "application/json");
            assertError(f.send(request(f, PUSH, Optional.of(sign(PUSH))).setHeader("X-GitHub-Event", "push\"}")),
                    400, "invalid_request", "event");
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).as("no reconcile for a bad request").isEqualTo(1);

            // Without an event header or a Content-Type (curl, some tools) a body is read as a JSON push.
            HttpResponse<String> bare = f.send(HttpRequest.newBuilder(f.url("v1/hooks/git")).header("X-Hub-Signature-256", sign(PUSH))
                    .POST(HttpRequest.BodyPublishers.ofString(PUSH)));
            assertThat(bare.statusCode()).as(bare.body()).isEqualTo(202);
            assertThat(f.internalErrors).isEmpty();
        }
    }

    private static String sign(String body) {
        return SECRET.signatureOf(body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> signed(ServeFixture f, String body) throws Exception {
        return hook(f, body, Optional.of(sign(body)));
    }

    @Test
    void withoutASecretTheWebhookIsOff() throws Exception {
        ReconcileLoopTest.GatedTask task = new ReconcileLoopTest.GatedTask();
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.empty())) {
            assertError(hook(f, PUSH, Optional.of(SECRET.signatureOf(PUSH.getBytes(StandardCharsets.UTF_8)))), 404,
                    "not_found", "--webhook-secret-file");
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(1);
        }
    }

    private static HttpResponse<String> hook(ServeFixture f, String body, Optional<String> signature) throws Exception {
        return f.send(request(f, body, signature));
    }

    private static HttpRequest.Builder request(ServeFixture f, String body, Optional<String> signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.url("v1/hooks/git")).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push").POST(HttpRequest.BodyPublishers.ofString(body));
        signature.ifPresent(s -> b.header("X-Hub-Signature-256", s));
        return b;
    }
}
