package dev.strata.e2e;

import dev.strata.testing.StrataChild;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code strata serve} as a user starts it, in a JVM of its own, on the simulation's clock (the
 * {@code strata.test.clockFile} hook), with no reconcile interval: reconciles run at start and on the signed
 * webhook. It can be killed with SIGKILL and started again on the same port and state file.
 */
final class ChildServe implements Serve {
    private static final Pattern RUNS = Pattern.compile("^strata_reconcile_runs_total\\{result=\"(\\w+)\"} (\\d+)", Pattern.MULTILINE);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final StrataChild.Running child;
    private final URI base;
    private final HttpClient http;

    private ChildServe(StrataChild.Running child, URI base, HttpClient http) {
        this.child = child;
        this.base = base;
        this.http = http;
    }

    /** Starts serving on {@code port} and waits for the reconcile it runs at start. */
    static ChildServe start(Path repo, Path state, int port, Path clockFile, HttpClient http) throws Exception {
        Path secret = state.resolveSibling("webhook-secret");
        if (!Files.exists(secret)) Files.writeString(secret, WEBHOOK_SECRET + "\n");
        StrataChild.Running child = StrataChild.start(List.of("-Dstrata.test.clockFile=" + clockFile, "-Xmx256m"),
                "serve", "--repo", repo.toString(), "--state", state.toString(), "--offline",
                "--listen", "127.0.0.1:" + port, "--interval", "0", "--webhook-secret-file", secret.toString());
        ChildServe serve = new ChildServe(child, URI.create("http://127.0.0.1:" + port + "/"), http);
        child.awaitErrLine("listening on", WAIT);
        serve.awaitRuns(1);
        return serve;
    }

    @Override
    public URI baseUrl() {
        return base;
    }

    @Override
    public String reconcile() throws Exception {
        int before = runs();
        int status = Serve.pushWebhook(http, base);
        if (status != 202) throw new AssertionError("the webhook answered " + status + ", not 202");
        awaitRuns(before + 1);
        return child.errLines().stream().filter(l -> l.contains(" reconcile (")).reduce((a, b) -> b).orElse("")
                .replaceFirst("^\\S+ reconcile ", "");
    }

    /** Pushes the webhook and returns at once: the reconcile is under way when the caller kills the child. */
    void reconcileInBackground() throws IOException, InterruptedException {
        int status = Serve.pushWebhook(http, base);
        if (status != 202) throw new AssertionError("the webhook answered " + status + ", not 202");
    }

    /** SIGKILL: no shutdown hook runs, nothing is closed or flushed. Returns once the process is gone. */
    void kill() throws InterruptedException {
        child.kill();
    }

    /** Its log so far. */
    List<String> log() {
        return child.errLines();
    }

    /** Waits until {@code n} reconciles have finished; fails on a failed one. */
    private void awaitRuns(int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = metrics();
            if (metrics != null) {
                int ok = 0;
                int total = 0;
                Matcher m = RUNS.matcher(metrics);
                while (m.find()) {
                    total += Integer.parseInt(m.group(2));
                    if (!m.group(1).equals("failed")) ok += Integer.parseInt(m.group(2));
                }
                if (total > ok) throw new AssertionError("a reconcile failed in strata serve; its log:\n" + String.join("\n", child.errLines()));
                if (total >= n) return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("strata serve did not finish " + n + " reconciles within " + WAIT + "; its log:\n"
                + String.join("\n", child.errLines()));
    }

    private int runs() throws Exception {
        String metrics = metrics();
        if (metrics == null) throw new AssertionError("strata serve does not answer /metrics");
        int total = 0;
        Matcher m = RUNS.matcher(metrics);
        while (m.find()) total += Integer.parseInt(m.group(2));
        return total;
    }

    private String metrics() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        child.close();
    }
}
