package dev.strata.delivery;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Quantity;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static dev.strata.delivery.TestFleet.NEW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many machines asking for slots at once never hold more than maxUnavailable, nor more than one per rack,
 * at any moment. Clients count a slot from its 200 until just before they send steady-state, so their
 * count is never above what the store holds; the store's committed state is checked too while they run.
 */
class FleetLockConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void theBudgetHoldsAtEveryMomentUnderConcurrentRequests() throws Exception {
        int racks = 4;
        int maxUnavailable = 3;
        MachineGroup g = TestFleet.group("dc-east").machinesInRacks(48, racks)
                .maxUnavailable(new Quantity(maxUnavailable, false)).onePerRack().build();
        Map<String, Integer> rackOf = new HashMap<>();
        for (Machine m : g.machines()) rackOf.put(m.id(), Integer.parseInt(m.labels().get("rack").substring(1)));
        Path file = dir.resolve("state.db");
        try (StateStore store = SqliteStateStore.open(file);
             Delivery delivery = new Delivery(store, new MovableClock(FleetLockTest.NIGHT),
                     () -> Optional.of(TestFleet.view(g)))) {
            g.machines().forEach(m -> TestFleet.release(store, m, NEW, FleetLockTest.NIGHT));
            FleetLock lock = delivery.fleetLock();
            AtomicIntegerArray perRack = new AtomicIntegerArray(racks);
            AtomicInteger total = new AtomicInteger();
            AtomicInteger worstRack = new AtomicInteger();
            AtomicInteger worstTotal = new AtomicInteger();
            AtomicInteger grants = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

            int threads = 12;
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                // Each client owns every 12th machine, so one machine's calls never overlap.
                List<Machine> mine = new ArrayList<>();
                for (int i = t; i < g.machines().size(); i += threads) mine.add(g.machines().get(i));
                long seed = t;
                clients.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    while (!stop.get()) {
                        Machine m = mine.get(random.nextInt(mine.size()));
                        Reply r = lock.preReboot("dc-east", m.id());
                        if (r.success()) {
                            int rack = rackOf.get(m.id());
                            worstRack.accumulateAndGet(perRack.incrementAndGet(rack), Math::max);
                            worstTotal.accumulateAndGet(total.incrementAndGet(), Math::max);
                            grants.incrementAndGet();
                            Thread.sleep(1 + random.nextInt(5)); // "rebooting"
                            perRack.decrementAndGet(rack);
                            total.decrementAndGet();
                            if (!lock.steadyState("dc-east", m.id()).success()) violations.add("steady-state failed");
                        } else if (!r.json().contains("slots_full")) {
                            violations.add(r.json());
                        }
                    }
                    return null;
                }));
            }
            // Meanwhile, read what is committed: it must keep the limits too.
            Future<?> observer = pool.submit(() -> {
                try (StateStore reader = SqliteStateStore.open(file)) {
                    while (!stop.get()) {
                        List<FleetLockHolder> holders = reader.fleetLockHolders("dc-east");
                        if (holders.size() > maxUnavailable) violations.add("committed " + holders.size() + " holders");
                        int[] inRack = new int[racks];
                        for (FleetLockHolder h : holders) {
                            if (++inRack[rackOf.get(h.machineId())] > 1) violations.add("committed two holders in one rack");
                        }
                    }
                }
                return null;
            });
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline && grants.get() < 400) Thread.sleep(20);
            stop.set(true);
            for (Future<?> f : clients) f.get();
            observer.get();
            pool.shutdown();

            assertThat(violations).isEmpty();
            assertThat(grants.get()).as("enough grants to mean something").isGreaterThan(50);
            assertThat(worstRack.get()).as("holders in one rack at once").isEqualTo(1);
            assertThat(worstTotal.get()).as("holders in the group at once").isBetween(2, maxUnavailable);
            assertThat(store.fleetLockHolders()).isEmpty();
        }
    }
}
