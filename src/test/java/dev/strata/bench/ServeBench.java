package dev.strata.bench;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.delivery.Tokens;
import dev.strata.plan.MachineState;
import dev.strata.serve.ServeListener;
import dev.strata.serve.Services;
import dev.strata.serve.StrataServer;
import dev.strata.source.FolderTree;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;

import java.io.BufferedWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The server side of scripts/bench-serve, for a generated fleet (validated from its folder, as
 * reconcile would).
 * <ul>
 *   <li>{@code prepare FLEET_DIR STATE_FILE TOKENS_FILE}: a fresh SQLite state with a token issued for
 *   every machine directly in the state, and every machine released for an update the way apply
 *   records it; {@code id token group} lines for wrk's script.</li>
 *   <li>{@code serve FLEET_DIR STATE_FILE}: the real HTTP server and delivery on that state (the
 *   script copies the prepared file, so every run starts alike); prints {@code ready PORT} and serves
 *   until SIGTERM.</li>
 * </ul>
 * The clock is fixed, so that the same windows are open on every run: Sunday 2026-11-29 03:00 UTC.
 */
public final class ServeBench {
    static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    static final String OLD = "sha256:" + "a".repeat(64);
    static final String NEW = "sha256:" + "b".repeat(64);

    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path fleetDir = Path.of(args[1]).toAbsolutePath();
        Path stateFile = Path.of(args[2]);
        FleetSpec fleet = load(fleetDir);
        if (args[0].equals("prepare")) prepare(fleet, stateFile, Path.of(args[3]));
        else serve(fleet, stateFile);
    }

    private static FleetSpec load(Path fleetDir) throws java.io.IOException {
        long t0 = System.nanoTime();
        Validation v = new Validator().validate(new FolderTree(fleetDir.getParent()), fleetDir.getFileName().toString());
        FleetSpec fleet = v.fleet().orElseThrow(() -> new IllegalStateException(fleetDir + " does not validate"));
        int machines = fleet.groups().stream().mapToInt(g -> g.machines().size()).sum();
        System.err.printf("fleet: %d groups, %d machines, validated in %d ms%n", fleet.groups().size(), machines,
                (System.nanoTime() - t0) / 1_000_000);
        return fleet;
    }

    private static void prepare(FleetSpec fleet, Path stateFile, Path tokensFile) throws java.io.IOException {
        Files.deleteIfExists(stateFile);
        int machines = fleet.groups().stream().mapToInt(g -> g.machines().size()).sum();
        long t0 = System.nanoTime();
        try (StateStore store = SqliteStateStore.open(stateFile);
             BufferedWriter tokens = Files.newBufferedWriter(tokensFile)) {
            store.update(tx -> {
                for (MachineGroup g : fleet.groups()) {
                    for (Machine m : g.machines()) {
                        Tokens.Issued issued = Tokens.issue(m.id(), NOW);
                        tx.recordMachineToken(issued.record());
                        tx.recordMachine(new MachineState(m.id(), Optional.of(OLD), Optional.of(NOW.minusSeconds(86_400)),
                                Optional.empty(), Optional.of(NEW), Optional.of(NOW.minusSeconds(3600)), Optional.empty(),
                                Optional.empty()));
                        try {
                            tokens.write(m.id() + " " + issued.token() + " " + g.name() + "\n");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
        }
        System.err.printf("state: %d tokens issued and machines released in %d ms%n", machines, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void serve(FleetSpec fleet, Path stateFile) throws Exception {
        StateStore store = SqliteStateStore.open(stateFile);

        Optional<DesiredView> view = Optional.of(DesiredView.of("bench", fleet, Optional.empty()));
        Delivery delivery = new Delivery(store, Clock.fixed(NOW, ZoneOffset.UTC), () -> view);
        ServeListener log = (route, e) -> System.err.println("error: " + route + ": " + e);
        StrataServer server = StrataServer.start(StrataServer.Config.plain(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Services.of(delivery, store::runLockHolder,
                Optional.empty()), log);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            delivery.close();
            store.close();
            done.countDown();
        }));
        System.out.println("ready " + server.address().getPort());
        System.out.flush();
        done.await();
    }
}
