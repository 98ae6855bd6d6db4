package dev.strata.bench;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DeliveryStats;
import dev.strata.delivery.DesiredView;
import dev.strata.delivery.FleetLock;
import dev.strata.delivery.MachineEndpoints;
import dev.strata.delivery.Reply;
import dev.strata.delivery.StatusDocs;
import dev.strata.delivery.Tokens;
import dev.strata.plan.MachineState;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery in-process, without HTTP: status reports and FleetLock calls against a state file that knows
 * 100,000 machines (200 groups of 500, 10 racks each, maxUnavailable 10%, one per rack), each write
 * durable (synchronous=FULL) before its reply. Distinct machine ids and changing bodies; the mix is 70%
 * status reports (bootc JSON, booted/staged digests moving), 30% FleetLock (pre-reboot, then steady-state
 * for the same machine). Two phases: a fixed rate (open loop, latency counted from when each request was
 * due, so a stall is not hidden) and as fast as 64 callers can go (closed loop). Run with scripts/bench-delivery
 * ({@code --rate N --seconds N --callers N --per-second}).
 */
public final class DeliveryBench {
    private static final String[] DIGESTS = {digest('0'), digest('1'), digest('2'), digest('3')};

    public static void main(String[] args) throws Exception {
        int rate = intArg(args, "--rate", 1000);
        int seconds = intArg(args, "--seconds", 30);
        int callers = intArg(args, "--callers", 64);
        Path dir = Files.createTempDirectory("strata-bench-delivery");
        Path file = dir.resolve("state.db");
        FleetSpec fleet = PlannerBench.fleet(1_000, 200, 500);
        List<Machine> machines = fleet.groups().stream().flatMap(g -> g.machines().stream()).toList();
        Map<String, String> groupOf = new ConcurrentHashMap<>();
        for (MachineGroup g : fleet.groups()) g.machines().forEach(m -> groupOf.put(m.id(), g.name()));
        String[] tokens = new String[machines.size()];

        long t0 = System.nanoTime();
        try (StateStore store = SqliteStateStore.open(file)) {
            Instant now = Instant.now();
            store.update(tx -> {
                for (int i = 0; i < machines.size(); i++) {
                    Machine m = machines.get(i);
                    Tokens.Issued issued = Tokens.issue(m.id(), now);
                    tokens[i] = issued.token();
                    tx.recordMachineToken(issued.record());
                    // Released for an update it has not booted yet, so pre-reboot decides on slots.
                    tx.recordMachine(new MachineState(m.id(), Optional.of(DIGESTS[0]), Optional.of(now), Optional.empty(),
                            Optional.of(DIGESTS[1]), Optional.of(now), Optional.empty(), Optional.of(now)));
                }
            });
        }
        System.out.printf(Locale.ROOT, "state file with %,d machines and tokens: %.1f s to write, %,d bytes%n",
                machines.size(), (System.nanoTime() - t0) / 1e9, Files.size(file));

        DesiredView view = DesiredView.of("bench", fleet, Optional.empty());
        try (StateStore store = SqliteStateStore.open(file);
             Delivery delivery = new Delivery(store, Clock.systemUTC(), () -> Optional.of(view))) {
            Load load = new Load(delivery, machines, tokens, groupOf, List.of(args).contains("--per-second"));
            load.run(callers, Math.min(15, seconds), 0, false); // warm up the JIT
            DeliveryStats before = delivery.stats();
            load.run(callers, seconds, rate, true);
            report(delivery.stats(), before);
            load.run(callers, Math.min(15, seconds), 0, true);
            report(delivery.stats(), before);
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    private static void report(DeliveryStats after, DeliveryStats before) {
        long commits = after.commits() - before.commits();
        long writes = after.committedWrites() - before.committedWrites();
        System.out.printf(Locale.ROOT, "  group commit so far: %,d writes in %,d transactions (%.1f per fsync)%n",
                writes, commits, commits == 0 ? 0.0 : (double) writes / commits);
    }

    /** Callers sending the mix; each owns every n-th machine, so one machine's calls never overlap. */
    private record Load(Delivery delivery, List<Machine> machines, String[] tokens, Map<String, String> groupOf,
                        boolean perSecond) {
        void run(int callers, int seconds, int rate, boolean print) throws InterruptedException {
            Map<Integer, AtomicLong> perSecondMax = new java.util.concurrent.ConcurrentSkipListMap<>();
            long cpuBefore = cpuNanos();
            MachineEndpoints endpoints = delivery.machines();
            FleetLock lock = delivery.fleetLock();
            long[][] latencies = new long[callers][];
            int[] counts = new int[callers];
            AtomicLong failures = new AtomicLong();
            Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(callers);
            long start = System.nanoTime() + 50_000_000L;
            long end = start + seconds * 1_000_000_000L;
            for (int c = 0; c < callers; c++) {
                int caller = c;
                latencies[c] = new long[rate > 0 ? rate * seconds / callers + 16 : 100_000];
                Thread t = new Thread(() -> {
                    Random random = new Random(caller);
                    long n = 0;
                    while (true) {
                        long due = rate > 0 ? start + (long) ((caller + n * callers) * (1e9 / rate)) : System.nanoTime();
                        if (due >= end || System.nanoTime() >= end || counts[caller] >= latencies[caller].length) break;
                        long wait = due - System.nanoTime();
                        if (wait > 0) sleepNanos(wait);
                        int i = caller + callers * random.nextInt(machines.size() / callers);
                        Machine m = machines.get(i);
                        Reply r;
                        if (random.nextInt(100) < 70) {
                            byte[] body = StatusDocs.bootc(DIGESTS[random.nextInt(2)], DIGESTS[1 + random.nextInt(3)],
                                    DIGESTS[random.nextInt(4)]);
                            r = endpoints.status(m.id(), Optional.of(tokens[i]), body);
                        } else {
                            r = lock.preReboot(groupOf.get(m.id()), m.id());
                            if (r.success()) r = lock.steadyState(groupOf.get(m.id()), m.id());
                        }
                        long lat = System.nanoTime() - due;
                        latencies[caller][counts[caller]++] = lat;
                        if (print && perSecond) {
                            perSecondMax.computeIfAbsent((int) ((due - start) / 1_000_000_000L), x -> new AtomicLong())
                                    .accumulateAndGet(lat, Math::max);
                        }
                        if (!r.success()) {
                            String kind = r.json() == null ? "?" : r.json().replaceAll("^\\{\"kind\":\"([a-z_]+)\".*$", "$1");
                            kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                            if (!kind.equals("slots_full") && !kind.equals("not_released")) failures.incrementAndGet();
                        }
                        n++;
                    }
                    done.countDown();
                });
                t.start();
            }
            done.await();
            if (!print) return;
            perSecondMax.forEach((sec, v) -> System.out.printf(Locale.ROOT, "  second %d: slowest %.0f ms%n", sec, v.get() / 1e6));
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int k = 0;
            for (int c = 0; c < callers; c++) {
                System.arraycopy(latencies[c], 0, all, k, counts[c]);
                k += counts[c];
            }
            Arrays.sort(all);
            double secs = seconds;
            double cpuPerRequest = (cpuNanos() - cpuBefore) / 1e3 / Math.max(1, total);
            System.out.printf(Locale.ROOT, "%s, %d callers, %d s: %,d requests, %,.0f/s; latency p50 %.1f ms, p99 %.1f ms,"
                            + " p99.9 %.1f ms, max %.1f ms; CPU %.0f us/request (whole process, callers included);"
                            + " refused %s; errors %d%n",
                    rate > 0 ? "open loop at " + rate + "/s" : "closed loop", callers, seconds, total, total / secs,
                    pct(all, 50), pct(all, 99), pct(all, 99.9), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    cpuPerRequest, kinds, failures.get());
            if (failures.get() > 0) throw new IllegalStateException(failures.get() + " requests failed");
        }

        private static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) return 0;
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
        }

        private static void sleepNanos(long nanos) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
        return fallback;
    }
}
