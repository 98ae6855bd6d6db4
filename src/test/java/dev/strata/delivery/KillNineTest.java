package dev.strata.delivery;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.StrataChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process granting slots under load is killed with SIGKILL, twice, at random moments; afterwards every
 * grant whose 200 it had returned is in the state file (unless that machine went on to ask for its
 * release), and no group or rack ever holds more than its slots, also once a fresh process carries on.
 */
class KillNineTest {
    @TempDir
    Path dir;

    @Test
    void aKilledServerNeverLosesAGrantItAnsweredNorOverGrantsAfterwards() throws Exception {
        Path file = dir.resolve("state.db");
        List<MachineGroup> groups = SlotLoad.fleet();
        try (StateStore store = SqliteStateStore.open(file)) {
            groups.forEach(g -> g.machines().forEach(m -> TestFleet.release(store, m, TestFleet.NEW, Instant.now())));
        }
        Random random = new Random();
        for (int round = 0; round < 2; round++) {
            Map<String, String> last = new HashMap<>();
            try (StrataChild.Spawned child = StrataChild.spawn(DeliveryChild.class, List.of("-Xmx128m"), file.toString(), "6")) {
                child.awaitLines(l -> l.startsWith("granted "), 40, Duration.ofSeconds(90));
                Thread.sleep(random.nextInt(300));
                child.kill();
                for (String line : child.lines()) {
                    String[] words = line.split(" ");
                    if (words.length == 2) last.put(words[1], words[0]);
                }
            }
            try (StateStore store = SqliteStateStore.open(file)) {
                Set<String> held = store.fleetLockHolders().stream().map(FleetLockHolder::machineId).collect(Collectors.toSet());
                Set<String> answered = last.entrySet().stream().filter(e -> e.getValue().equals("granted"))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
                assertThat(held).as("round " + round + ": every grant answered 200 is on disk").containsAll(answered);
                assertWithinSlots(store, groups);
            }
        }
        // A fresh process on the same file asks for every machine: it fills the free slots and no more.
        try (StateStore store = SqliteStateStore.open(file);
             Delivery delivery = new Delivery(store, java.time.Clock.systemUTC(),
                     () -> Optional.of(TestFleet.view(groups.toArray(MachineGroup[]::new))))) {
            for (MachineGroup g : groups) {
                for (Machine m : g.machines()) delivery.fleetLock().preReboot(g.name(), m.id());
            }
            assertWithinSlots(store, groups);
            for (MachineGroup g : groups) {
                assertThat(store.fleetLockHolders(g.name())).as("a full group after the fresh process").hasSize(SlotLoad.SLOTS);
            }
        }
    }

    private static void assertWithinSlots(StateStore store, List<MachineGroup> groups) {
        Map<String, String> rackOf = new HashMap<>();
        groups.forEach(g -> g.machines().forEach(m -> rackOf.put(m.id(), g.name() + "/" + m.labels().get("rack"))));
        for (MachineGroup g : groups) {
            List<FleetLockHolder> holders = store.fleetLockHolders(g.name());
            assertThat(holders.size()).as(g.name() + " holders").isLessThanOrEqualTo(SlotLoad.SLOTS);
            Map<String, Long> perRack = holders.stream().collect(Collectors.groupingBy(h -> rackOf.get(h.machineId()),
                    Collectors.counting()));
            assertThat(perRack.values()).as(g.name() + " holders per rack").allMatch(n -> n <= 1);
        }
    }
}
