package dev.strata.serve;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.delivery.Tokens;
import dev.strata.plan.MachineState;
import dev.strata.source.FolderTree;
import dev.strata.spec.FleetSpec;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.MovableClock;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A real {@code strata serve} stack on a loopback port: fleet-example validated from its folder, a
 * SQLite state file, the real delivery, and the HTTP server. Machines are released for an update the
 * way apply records it, and tokens issued the way machine-config does. Only the clock is fake.
 */
final class ServeFixture implements AutoCloseable {
    /** A Friday, 01:30 in Berlin: inside dc-east's weekday 01:00-05:00 window. */
    static final Instant NIGHT = Instant.parse("2026-11-27T00:30:00Z");
    static final String OLD = "sha256:" + "0".repeat(64);
    static final String NEW = "sha256:" + "1".repeat(64);
    /** dc-east-01 and -02 (rack r1), dc-east-06 (rack r2); edge's first machine. */
    static final String DC1 = "5a38c7243b581f6fa33acc35d74b7264";
    static final String DC2 = "ea4ef04dcebc699c43ddf7f50a9eefd9";
    static final String DC6 = "a4fcf0c43ec98e791869433e4a41b127";
    static final String UNKNOWN = "0123456789abcdef0123456789abcdef";
    /** The ref the webhook's pushes must name to trigger a reconcile. */
    static final String FOLLOWED = "refs/heads/main";

    final StateStore store;
    final Delivery delivery;
    final StrataServer server;
    final MovableClock clock;
    /** What the server told its operator: internal errors and abandoned requests. */
    final List<String> internalErrors;
    final HttpClient http;

    private ServeFixture(StateStore store, Delivery delivery, StrataServer server, MovableClock clock, HttpClient http,
                         List<String> internalErrors) {
        this.internalErrors = internalErrors;
        this.store = store;
        this.delivery = delivery;
        this.server = server;
        this.clock = clock;
        this.http = http;
    }

    static FleetSpec exampleFleet() throws IOException {
        Validation v = new Validator().validate(new FolderTree(Path.of(System.getProperty("basedir", ".")).toAbsolutePath()),
                "fleet-example");
        return v.fleet().orElseThrow(() -> new AssertionError("fleet-example does not validate: " + v.diagnostics()));
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static ServeFixture start(Path dir) throws IOException {
        return start(dir, c -> c, Optional.empty(), Optional.empty());
    }

    static ServeFixture start(Path dir, UnaryOperator<StrataServer.Config> config, Optional<ReconcileLoop> loop,
                              Optional<WebhookSecret> webhook) throws IOException {
        return start(dir, config, loop, webhook, HttpClient.newBuilder());
    }

    static ServeFixture start(Path dir, UnaryOperator<StrataServer.Config> config, Optional<ReconcileLoop> loop,
                              Optional<WebhookSecret> webhook, HttpClient.Builder client) throws IOException {
        StateStore store = SqliteStateStore.open(dir.resolve("state.db"));
        MovableClock clock = new MovableClock(NIGHT);
        Optional<DesiredView> view = Optional.of(DesiredView.of("c0ffee", exampleFleet(), Optional.empty()));
        Delivery delivery = new Delivery(store, clock, () -> view);
        List<String> errors = new CopyOnWriteArrayList<>();
        Services services = webhook.isPresent()
                ? Services.of(delivery, store::runLockHolder, loop.orElseThrow(), webhook.get(), FollowedRef.of(FOLLOWED))
                : Services.of(delivery, store::runLockHolder, loop);
        StrataServer server = StrataServer.start(config.apply(StrataServer.Config.plain(loopback())), services,
                new ServeListener() {
                    @Override
                    public void internalError(String route, Exception e) {
                        errors.add(route + ": " + e);
                    }

                    @Override
                    public void abandoned(int requests) {
                        errors.add("abandoned " + requests);
                    }
                });
        ServeFixture f = new ServeFixture(store, delivery, server, clock,
                client.version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build(), errors);
        return f;
    }

    URI url(String relative) {
        return server.baseUri().resolve(relative);
    }

    /** Marks {@code id} released for {@link #NEW} while it boots {@link #OLD}, as apply records a promotion. */
    void release(String id) {
        store.recordMachine(new MachineState(id, Optional.of(OLD), Optional.of(NIGHT.minusSeconds(86_400)), Optional.empty(),
                Optional.of(NEW), Optional.of(NIGHT), Optional.empty(), Optional.empty()));
    }

    /** Issues a token as machine-config does: the store keeps its hash; the test keeps the secret. */
    String token(String id) {
        Tokens.Issued issued = Tokens.issue(id, NIGHT);
        store.recordMachineToken(issued.record());
        return issued.token();
    }

    /** Zincati's FleetLock request, byte for byte: serde_json's pretty printing, no Content-Type. */
    static String zincatiBody(String id, String group) {
        return "{\n  \"client_params\": {\n    \"id\": \"" + id + "\",\n    \"group\": \"" + group + "\"\n  }\n}";
    }

    HttpResponse<String> fleetLock(String endpoint, String id, String group) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url("v1/" + endpoint)).header("fleet-lock-protocol", "true")
                .POST(HttpRequest.BodyPublishers.ofString(zincatiBody(id, group))));
    }

    HttpResponse<String> get(String relative) throws IOException, InterruptedException {
        if (relative.equals("metrics")) awaitCounted();
        return send(HttpRequest.newBuilder(url(relative)).GET());
    }

    /**
     * The server counts a request in /metrics after its answer went out, so a client can read an answer
     * before it is counted: a scrape that asserts counts waits until no request is in flight.
     */
    void awaitCounted() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.inFlight() > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("requests still in flight after 20 s");
            Thread.sleep(5);
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            delivery.close();
            store.close();
        }
    }
}
