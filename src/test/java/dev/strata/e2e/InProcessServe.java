package dev.strata.e2e;

import dev.strata.build.BuildSettings;
import dev.strata.build.JibImageBuilder;
import dev.strata.delivery.DeliveryEvents;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.BuildExecutor;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.Reconciler;
import dev.strata.reconcile.StreamSource;
import dev.strata.registry.Credentials;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.Retry;
import dev.strata.serve.ReconcileOutcome;
import dev.strata.serve.ReconcileRun;
import dev.strata.serve.ServeListener;
import dev.strata.serve.ServeRuntime;
import dev.strata.serve.StrataServer;
import dev.strata.serve.WebhookSecret;
import dev.strata.source.GitSource;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code strata serve} in this JVM, put together as the command does: the reconciler (real Git
 * repository, real jib builds into the test registry), delivery on a SQLite state file, the HTTP server on
 * a loopback port, the reconcile loop with no interval (the test pushes the webhook instead), all on the
 * simulation's clock.
 */
final class InProcessServe implements Serve {
    private final StateStore store;
    private final FleetSource source;
    private final ServeRuntime runtime;
    private final HttpClient http;
    private final BlockingQueue<ReconcileRun> runs;
    final List<String> problems;

    private InProcessServe(StateStore store, FleetSource source, ServeRuntime runtime, HttpClient http,
                           BlockingQueue<ReconcileRun> runs, List<String> problems) {
        this.store = store;
        this.source = source;
        this.runtime = runtime;
        this.http = http;
        this.runs = runs;
        this.problems = problems;
    }

    /** Starts serving and waits for the reconcile it runs at start. */
    static InProcessServe start(Path repo, Path state, Path work, Clock clock, HttpClient http, Sim.Log log) throws Exception {
        StateStore store = SqliteStateStore.open(state);
        FleetSource source = new FleetSource(GitSource.open(repo.toString(), GitSource.Options.defaults()), "", false);
        BuildExecutor.Factory builders = (rev, fleet) -> new JibImageBuilder(new BuildSettings(rev.tree(), rev.commitTime(),
                Optional.empty(), fleet.fleet().registry(), RegistrySettings.of(fleet.fleet(), List.of(), List.of()),
                Credentials.fromFiles(List.of()), Retry.immediate(2), work, Clock.systemUTC(), line -> { }),
                Applier.recordedBuilds(store))::build;
        Reconciler reconciler = new Reconciler(source, store, StreamSource.offline(), builders,
                new Reconciler.Settings(Optional.empty(), Duration.ofSeconds(10), "strata serve", Optional.empty()));
        BlockingQueue<ReconcileRun> runs = new LinkedBlockingQueue<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        ServeListener listener = new ServeListener() {
            @Override
            public void internalError(String route, Exception error) {
                problems.add("internal error on " + route + ": " + error);
            }

            @Override
            public void reconciled(ReconcileRun run) {
                runs.add(run);
            }
        };
        DeliveryEvents events = new DeliveryEvents() {
            @Override
            public void storeFailed(Throwable failure) {
                problems.add("state store failed: " + failure);
            }

            @Override
            public void holderFailed(String group, String machineId, String why) {
                log.line("serve: holder " + machineId + " of " + group + " failed: " + why);
            }

            @Override
            public void unorderedRollback(String group, String machineId, String why) {
                log.line("serve: " + machineId + " of " + group + " rolled back on its own: " + why);
            }
        };
        StrataServer.Config config = StrataServer.Config.plain(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServeRuntime runtime = ServeRuntime.start(new ServeRuntime.Settings(config, Duration.ZERO, Duration.ZERO,
                Optional.of(WebhookSecret.of(WEBHOOK_SECRET))), store, reconciler, clock, listener, events);
        InProcessServe serve = new InProcessServe(store, source, runtime, http, runs, problems);
        serve.await("startup");
        return serve;
    }

    @Override
    public URI baseUrl() {
        return runtime.server().baseUri();
    }

    @Override
    public String reconcile() throws Exception {
        int status = Serve.pushWebhook(http, baseUrl());
        if (status != 202) throw new AssertionError("the webhook answered " + status + ", not 202");
        return await("webhook");
    }

    private String await(String trigger) throws InterruptedException {
        ReconcileRun run = runs.poll(120, TimeUnit.SECONDS);
        if (run == null) throw new AssertionError("no reconcile finished within 120 s after " + trigger);
        if (run.outcome().result() == ReconcileOutcome.Result.FAILED) {
            throw new AssertionError("the reconcile (" + run.trigger() + ") failed: " + run.outcome().summary());
        }
        return run.outcome().summary();
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            try {
                store.close();
            } finally {
                source.close();
            }
        }
    }
}
