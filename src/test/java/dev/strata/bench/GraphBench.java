package dev.strata.bench;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.serve.ServeListener;
import dev.strata.serve.Services;
import dev.strata.serve.StrataServer;
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The server scripts/bench-graph runs wrk against: a fresh state file with {@code MACHINES} known machines
 * in {@code GROUPS} zincati groups (machine i, id {@code %032x} of i, in group {@code g<i % GROUPS>}), three
 * releases per group, half the machines released for the newest. Serves GET /v1/graph on 127.0.0.1 (the
 * port is printed), records every poll as the real server does, and stops after the given seconds, printing
 * how many polls were written to the state file.
 */
public final class GraphBench {
    static final int MACHINES = 100_000;
    static final int GROUPS = 10;
    static final String REPO = "bench.registry/fleet/app";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-graph");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("state.db"));
        Instant t = Instant.parse("2026-11-28T00:00:00Z");
        List<List<Machine>> members = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) members.add(new ArrayList<>());
        for (int i = 1; i <= MACHINES; i++) members.get(i % GROUPS).add(new Machine(String.format("%032x", i), "m" + i, Map.of()));
        Rollout rollout = new Rollout(List.of(new Wave("all", List.of(), Map.of(), OptionalInt.of(100), 100)), new Quantity(10, true),
                Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO, ZoneId.of("UTC"), List.of(), false,
                Rollout.DEFAULT_UPDATE_TIMEOUT, Rollout.FailurePolicy.DEFAULT);
        List<MachineGroup> groups = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groups.add(new MachineGroup("g" + g, "app", MachineGroup.Delivery.ZINCATI, members.get(g), rollout, new Origin("g.yaml", 0)));
        }
        Stream stream = new Stream("os", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.of(digest('f')),
                Optional.of("43.20260413.3.2"), List.of(), List.of(), Optional.empty(), new Origin("s.yaml", 0));
        Image app = new Image("app", new ImageSource.FromStream("os"), Map.of(), List.of(), new Origin("i.yaml", 0));
        FleetSpec fleet = new FleetSpec(new Fleet("bench", Optional.of("bench.registry/fleet"), List.of(), List.of(), new Origin("f.yaml", 0)),
                List.of(stream), List.of(app), groups);
        DesiredView view = DesiredView.of("c0ffee", fleet, Optional.empty());

        StateStore store = SqliteStateStore.open(dir.resolve("state.db"));
        long setup = System.nanoTime();
        store.update(tx -> {
            for (int g = 0; g < GROUPS; g++) {
                for (int a = 1; a <= 3; a++) {
                    String d = digest((char) ('a' + a - 1));
                    tx.recordRelease(new Release("g" + g, a, "43.20260413.3.2.strata." + d.substring(7, 19), "app", digest((char) ('0' + a)),
                            d, Map.of("x86_64", REPO + "@" + d), t.plusSeconds(a), t.plusSeconds(a), Optional.empty(), Optional.empty()));
                }
            }
            for (int i = 1; i <= MACHINES; i++) {
                String released = i % 2 == 0 ? digest('c') : digest('b');
                tx.recordMachine(new MachineState(String.format("%032x", i), Optional.of(digest('a')), Optional.of(t), Optional.empty(),
                        Optional.of(released), Optional.of(t), Optional.empty(), Optional.empty()));
            }
        });
        System.out.printf("state: %d machines, %d groups, 3 releases each, written in %d ms%n", MACHINES, GROUPS,
                (System.nanoTime() - setup) / 1_000_000);
        Delivery delivery = new Delivery(store, Clock.systemUTC(), () -> Optional.of(view));
        StrataServer server = StrataServer.start(StrataServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)),
                Services.of(delivery, () -> { }, Optional.empty()), ServeListener.SILENT);
        System.out.println("port " + server.address().getPort());
        System.out.flush();
        Thread.sleep(seconds * 1000L);
        server.close();
        delivery.close();
        System.out.println("graph polls recorded in the state file: " + store.graphPolls().size());
        store.close();
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
