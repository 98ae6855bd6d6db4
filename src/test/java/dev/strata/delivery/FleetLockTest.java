package dev.strata.delivery;

import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Quantity;
import dev.strata.spec.Window;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.HistoryEntry;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.delivery.TestFleet.NEW;
import static dev.strata.delivery.TestFleet.group;
import static dev.strata.delivery.TestFleet.release;
import static org.assertj.core.api.Assertions.assertThat;

/** FleetLock decisions against a real state file, on a clock the test moves. */
class FleetLockTest {
    /** A Friday, 01:30 in Berlin: inside a 01:00-05:00 weekday window. */
    static final Instant NIGHT = Instant.parse("2026-11-27T00:30:00Z");

    @TempDir
    Path dir;

    private StateStore store;
    private Delivery delivery;
    private final TestFleet.MovableClock clock = new TestFleet.MovableClock(NIGHT);
    private final AtomicReference<Optional<DesiredView>> view = new AtomicReference<>(Optional.empty());
    private final RecordingEvents events = new RecordingEvents();

    private FleetLock start(MachineGroup... groups) {
        store = SqliteStateStore.open(dir.resolve("state.db"));
        view.set(Optional.of(TestFleet.view(groups)));
        delivery = new Delivery(store, clock, view::get, events);
        return delivery.fleetLock();
    }

    @AfterEach
    void close() {
        if (delivery != null) delivery.close();
        if (store != null) store.close();
    }

    @Test
    void aReleasedMachineGetsASlotRecursivelyAndSteadyStateReleasesItIdempotently() {
        MachineGroup g = group("dc-east").build();
        FleetLock lock = start(g);
        Machine m = g.machines().get(0);
        release(store, m, NEW, NIGHT);

        assertThat(lock.preReboot("dc-east", m.id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", m.id())).as("recursive").isEqualTo(Reply.ok());
        assertThat(store.fleetLockHolders("dc-east")).containsExactly(FleetLockHolder.granted("dc-east", m.id(), NIGHT));

        assertThat(lock.steadyState("dc-east", m.id())).isEqualTo(Reply.ok());
        assertThat(store.fleetLockHolders()).isEmpty();
        assertThat(lock.steadyState("dc-east", m.id())).as("unheld").isEqualTo(Reply.ok());
    }

    @Test
    void aGrantIsOnDiskBeforeItsReply() {
        MachineGroup g = group("dc-east").build();
        FleetLock lock = start(g);
        release(store, g.machines().get(1), NEW, NIGHT);
        assertThat(lock.preReboot("dc-east", g.machines().get(1).id()).success()).isTrue();
        // Another connection, as another process would open it, sees the committed grant.
        try (StateStore other = SqliteStateStore.open(dir.resolve("state.db"))) {
            assertThat(other.fleetLockHolder(g.machines().get(1).id())).isPresent();
        }
    }

    @Test
    void unknownIdsAreRefusedByPreRebootAcceptedBySteadyStateAndRecorded() {
        FleetLock lock = start(group("dc-east").build());
        String stranger = "0123456789abcdef0123456789abcdef";
        Reply refused = lock.preReboot("dc-east", stranger);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.json()).startsWith("{\"kind\":\"unknown_machine\",");
        assertThat(lock.steadyState("dc-east", stranger)).isEqualTo(Reply.ok());
        delivery.close(); // commits the queued notes
        assertThat(store.unknownMachines()).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(stranger);
            assertThat(u.count()).isEqualTo(2);
            assertThat(u.endpoint()).isEqualTo("steady-state");
        });
        assertThat(store.fleetLockHolders()).isEmpty();
    }

    @Test
    void theBodysGroupMustBeTheMachinesGroup() {
        MachineGroup g = group("dc-east").build();
        FleetLock lock = start(g, group("edge").build());
        release(store, g.machines().get(0), NEW, NIGHT);
        for (Reply r : List.of(lock.preReboot("default", g.machines().get(0).id()), lock.preReboot("edge", g.machines().get(0).id()),
                lock.steadyState("default", g.machines().get(0).id()))) {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json()).contains("\"kind\":\"unknown_group\"").contains("is in group 'dc-east'");
        }
        assertThat(store.fleetLockHolders()).isEmpty();
    }

    @Test
    void malformedIdsAndGroupsAreInvalidClientIdentities() {
        FleetLock lock = start(group("dc-east").build());
        for (String[] idGroup : new String[][] {{"", "dc-east"}, {"5A38C7243B581F6FA33ACC35D74B7264", "dc-east"},
                {"5a38c7243b581f6fa33acc35d74b726", "dc-east"}, {"5a38c7243b581f6fa33acc35d74b7264", ""},
                {"5a38c7243b581f6fa33acc35d74b7264", "dc east"}, {"5a38c7243b581f6fa33acc35d74b7264", "x".repeat(300)}}) {
            assertThat(lock.preReboot(idGroup[1], idGroup[0]).json()).as(String.join("|", idGroup))
                    .startsWith("{\"kind\":\"invalid_client_identity\"");
            assertThat(lock.steadyState(idGroup[1], idGroup[0]).status()).isEqualTo(400);
        }
        delivery.close();
        assertThat(store.unknownMachines()).as("nothing malformed is stored").isEmpty();
    }

    @Test
    void onlyAMachineThePlanReleasedAndThatIsNotThereYetGetsASlot() {
        MachineGroup g = group("dc-east").maxUnavailable(new Quantity(4, false)).build();
        FleetLock lock = start(g);
        Machine never = g.machines().get(0);
        Machine arrived = g.machines().get(1);
        assertThat(lock.preReboot("dc-east", never.id()).json()).startsWith("{\"kind\":\"not_released\"")
                .contains("has not released");
        release(store, arrived, NEW, NIGHT);
        store.recordMachine(new dev.strata.plan.MachineState(arrived.id(), Optional.of(NEW), Optional.of(NIGHT), Optional.empty(),
                Optional.of(NEW), Optional.of(NIGHT), Optional.empty(), Optional.of(NIGHT)));
        assertThat(lock.preReboot("dc-east", arrived.id()).json()).startsWith("{\"kind\":\"not_released\"")
                .contains("already runs");
        assertThat(store.fleetLockHolders()).isEmpty();
    }

    @Test
    void slotsAreGivenOnlyInsideTheGroupsWindows() {
        Window weekdayNights = new Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(1, 0), Duration.ofHours(4));
        MachineGroup g = group("dc-east").window(weekdayNights, "Europe/Berlin").build();
        FleetLock lock = start(g);
        Machine m = g.machines().get(0);
        release(store, m, NEW, NIGHT);

        clock.set(Instant.parse("2026-11-27T10:00:00Z")); // Friday 11:00 in Berlin
        Reply refused = lock.preReboot("dc-east", m.id());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json()).startsWith("{\"kind\":\"outside_window\"")
                .contains("the next opens 2026-11-30T00:00:00Z"); // Monday 01:00 in Berlin
        clock.set(Instant.parse("2026-11-28T00:30:00Z")); // Saturday night: no window
        assertThat(lock.preReboot("dc-east", m.id()).status()).isEqualTo(409);
        clock.set(NIGHT);
        assertThat(lock.preReboot("dc-east", m.id())).isEqualTo(Reply.ok());
        clock.set(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(lock.preReboot("dc-east", m.id())).as("a holder asking again outside the window keeps its slot")
                .isEqualTo(Reply.ok());
    }

    @Test
    void aRollbackRebootsOutsideTheWindowsWithinTheBudget() {
        Window weekdayNights = new Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(1, 0), Duration.ofHours(4));
        MachineGroup g = group("dc-east").machinesInRacks(4, 2).maxUnavailable(new Quantity(2, false)).onePerRack()
                .window(weekdayNights, "Europe/Berlin").build();
        FleetLock lock = start(g);
        List<Machine> ms = g.machines();
        // The failure policy rolled the group back from NEW to OLD: machines that run NEW are released for OLD.
        store.saveGroup(new GroupState("dc-east", Optional.of(TestFleet.OLD), Optional.empty(), Optional.of(NIGHT),
                GroupState.Status.ROLLED_BACK, Set.of(NEW), false));
        for (Machine m : ms) {
            store.recordMachine(new MachineState(m.id(), Optional.of(NEW), Optional.of(NIGHT), Optional.empty(),
                    Optional.of(TestFleet.OLD), Optional.of(NIGHT), Optional.empty(), Optional.of(NIGHT)));
        }
        clock.set(Instant.parse("2026-11-27T10:00:00Z")); // Friday 11:00 in Berlin: outside the window
        assertThat(lock.preReboot("dc-east", ms.get(0).id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", ms.get(2).id()).json()).as("same rack").startsWith("{\"kind\":\"slots_full\"");
        assertThat(lock.preReboot("dc-east", ms.get(1).id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", ms.get(3).id()).json()).startsWith("{\"kind\":\"slots_full\"");

        // An update forward, released while the group rolls again, still waits for the window.
        store.saveGroup(new GroupState("dc-east", Optional.of(TestFleet.NEWER), Optional.of(TestFleet.OLD), Optional.of(NIGHT),
                GroupState.Status.ROLLING, Set.of(NEW), false));
        lock.steadyState("dc-east", ms.get(0).id());
        release(store, ms.get(0), TestFleet.NEWER, NIGHT);
        assertThat(lock.preReboot("dc-east", ms.get(0).id()).json()).startsWith("{\"kind\":\"outside_window\"");
    }

    @Test
    void maxUnavailableCountsHoldersAgainstTheGroupSize() {
        // 25% of 10 machines: 2 slots.
        MachineGroup g = group("dc-east").machines(10).maxUnavailable(new Quantity(25, true)).build();
        FleetLock lock = start(g);
        g.machines().forEach(m -> release(store, m, NEW, NIGHT));
        List<Machine> ms = g.machines();
        assertThat(lock.preReboot("dc-east", ms.get(0).id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", ms.get(1).id())).isEqualTo(Reply.ok());
        Reply full = lock.preReboot("dc-east", ms.get(2).id());
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.json()).startsWith("{\"kind\":\"slots_full\"").contains("all 2 reboot slot(s) of group dc-east");
        assertThat(lock.steadyState("dc-east", ms.get(0).id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", ms.get(2).id())).isEqualTo(Reply.ok());
        assertThat(store.fleetLockHolders("dc-east")).extracting(FleetLockHolder::machineId)
                .containsExactlyInAnyOrder(ms.get(1).id(), ms.get(2).id());
    }

    @Test
    void theDisruptionBudgetAllowsOneHolderPerRack() {
        // r0: machines 0, 2, 4; r1: machines 1, 3, 5.
        MachineGroup g = group("dc-east").machinesInRacks(6, 2).maxUnavailable(new Quantity(4, false)).onePerRack().build();
        FleetLock lock = start(g);
        g.machines().forEach(m -> release(store, m, NEW, NIGHT));
        List<Machine> ms = g.machines();
        assertThat(lock.preReboot("dc-east", ms.get(0).id())).isEqualTo(Reply.ok());
        Reply sameRack = lock.preReboot("dc-east", ms.get(2).id());
        assertThat(sameRack.json()).startsWith("{\"kind\":\"slots_full\"").contains("disruption budget of rack=r0");
        assertThat(lock.preReboot("dc-east", ms.get(1).id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", ms.get(3).id()).status()).isEqualTo(409);
        lock.steadyState("dc-east", ms.get(0).id());
        assertThat(lock.preReboot("dc-east", ms.get(4).id())).isEqualTo(Reply.ok());
    }

    @Test
    void aHolderThatNeverReturnsIsMarkedFailedAndKeepsItsSlotUntilItComesBack() {
        MachineGroup g = group("dc-east").updateTimeout(Duration.ofHours(1)).build();
        FleetLock lock = start(g);
        Machine lost = g.machines().get(0);
        Machine next = g.machines().get(1);
        release(store, lost, NEW, NIGHT);
        release(store, next, NEW, NIGHT);
        assertThat(lock.preReboot("dc-east", lost.id())).isEqualTo(Reply.ok());

        clock.advance(Duration.ofMinutes(59));
        assertThat(delivery.stats().groups().get("dc-east")).isEqualTo(new DeliveryStats.GroupLocks(1, 1, 0));
        assertThat(delivery.markOverdueHolders()).isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(delivery.stats().groups().get("dc-east")).as("overdue counts as failed before it is marked")
                .isEqualTo(new DeliveryStats.GroupLocks(1, 1, 1));
        assertThat(lock.preReboot("dc-east", next.id()).json()).as("the failed holder keeps its slot")
                .startsWith("{\"kind\":\"slots_full\"");
        FleetLockHolder failed = store.fleetLockHolder(lost.id()).orElseThrow();
        assertThat(failed.failedAt()).contains(clock.instant());
        assertThat(failed.failure().orElseThrow()).contains("longer than the update timeout (1h)")
                .contains("strata rollout release-lock dc-east " + lost.id());
        assertThat(store.history(Optional.of("dc-east"), 10)).extracting(HistoryEntry::kind).containsExactly("lock-failed");
        assertThat(events.lines).containsExactly("holder failed: dc-east " + lost.id());
        assertThat(delivery.markOverdueHolders()).as("marked once").isZero();

        assertThat(lock.steadyState("dc-east", lost.id())).isEqualTo(Reply.ok());
        assertThat(lock.preReboot("dc-east", next.id())).isEqualTo(Reply.ok());
    }

    @Test
    void aHoldersTimeoutCountsOnlyOpenWindowTimeAsThePlannersDoes() {
        // Weekday nights 01:00-05:00 in Berlin; granted at 04:50, ten minutes before the window closes.
        Window nights = new Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(1, 0), Duration.ofHours(4));
        MachineGroup g = group("dc-east").window(nights, "Europe/Berlin").updateTimeout(Duration.ofHours(1)).build();
        FleetLock lock = start(g);
        Machine m = g.machines().get(0);
        clock.set(Instant.parse("2026-11-27T03:50:00Z"));
        release(store, m, NEW, clock.instant());
        assertThat(lock.preReboot("dc-east", m.id())).isEqualTo(Reply.ok());
        clock.set(Instant.parse("2026-11-27T12:00:00Z")); // 8 hours later, but only 10 minutes of window
        assertThat(delivery.markOverdueHolders()).isZero();
        clock.set(Instant.parse("2026-11-30T00:51:00Z")); // Monday 01:51: 10 + 51 minutes of window
        assertThat(delivery.markOverdueHolders()).isOne();
        assertThat(store.fleetLockHolder(m.id()).orElseThrow().failure().orElseThrow()).contains("update timeout (1h) counting only open window time");
    }

    @Test
    void aHolderThatBootedItsDigestIsNotFailedHoweverLongItHolds() {
        MachineGroup g = group("dc-east").updateTimeout(Duration.ofHours(1)).build();
        start(g);
        Machine m = g.machines().get(0);
        release(store, m, NEW, NIGHT);
        assertThat(delivery.fleetLock().preReboot("dc-east", m.id())).isEqualTo(Reply.ok());
        store.recordMachine(new dev.strata.plan.MachineState(m.id(), Optional.of(NEW), Optional.of(NIGHT), Optional.empty(),
                Optional.of(NEW), Optional.of(NIGHT), Optional.empty(), Optional.of(NIGHT)));
        clock.advance(Duration.ofHours(3));
        assertThat(delivery.markOverdueHolders()).isZero();
        assertThat(delivery.stats().groups().get("dc-east").failedHolders()).isZero();
    }

    @Test
    void beforeTheFirstReconcileEveryCallIsNotReady() {
        store = SqliteStateStore.open(dir.resolve("state.db"));
        delivery = new Delivery(store, clock, Optional::empty);
        Reply r = delivery.fleetLock().preReboot("dc-east", "0123456789abcdef0123456789abcdef");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json()).startsWith("{\"kind\":\"not_ready\"");
        assertThat(delivery.fleetLock().steadyState("dc-east", "0123456789abcdef0123456789abcdef").status()).isEqualTo(503);
    }

    @Test
    void afterCloseCallsAnswerShuttingDown() {
        MachineGroup g = group("dc-east").build();
        FleetLock lock = start(g);
        release(store, g.machines().get(0), NEW, NIGHT);
        delivery.close();
        Reply r = lock.preReboot("dc-east", g.machines().get(0).id());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json()).startsWith("{\"kind\":\"shutting_down\"");
    }

    @Test
    void statsCountRepliesByEndpointAndKind() {
        MachineGroup g = group("dc-east").build();
        FleetLock lock = start(g);
        release(store, g.machines().get(0), NEW, NIGHT);
        lock.preReboot("dc-east", g.machines().get(0).id());
        lock.preReboot("dc-east", g.machines().get(1).id());
        lock.steadyState("dc-east", g.machines().get(0).id());
        DeliveryStats s = delivery.stats();
        assertThat(s.replies().get("pre-reboot")).containsEntry("ok", 1L).containsEntry("not_released", 1L);
        assertThat(s.replies().get("steady-state")).containsEntry("ok", 1L);
        assertThat(s.commits()).isPositive();
        assertThat(s.committedWrites()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPausedOrHaltedGroupGivesNoNewSlotsButHoldersKeepTheirs() {
        MachineGroup g = group("dc-east").maxUnavailable(new Quantity(3, false)).build();
        FleetLock lock = start(g);
        g.machines().forEach(m -> release(store, m, NEW, NIGHT));
        assertThat(lock.preReboot("dc-east", g.machines().get(0).id())).isEqualTo(Reply.ok());
        store.saveGroup(new dev.strata.plan.GroupState("dc-east", Optional.of(NEW), Optional.empty(), Optional.of(NIGHT),
                dev.strata.plan.GroupState.Status.ROLLING, java.util.Set.of(), true));
        assertThat(lock.preReboot("dc-east", g.machines().get(1).id()).json()).startsWith("{\"kind\":\"paused\"")
                .contains("paused by an operator");
        assertThat(lock.preReboot("dc-east", g.machines().get(0).id())).as("recursive").isEqualTo(Reply.ok());
        store.saveGroup(new dev.strata.plan.GroupState("dc-east", Optional.of(NEW), Optional.empty(), Optional.of(NIGHT),
                dev.strata.plan.GroupState.Status.HALTED, java.util.Set.of(), false));
        assertThat(lock.preReboot("dc-east", g.machines().get(1).id()).json()).contains("halted by its failure policy");
        store.saveGroup(new dev.strata.plan.GroupState("dc-east", Optional.of(NEW), Optional.empty(), Optional.of(NIGHT),
                dev.strata.plan.GroupState.Status.ROLLED_BACK, java.util.Set.of(), false));
        assertThat(lock.preReboot("dc-east", g.machines().get(1).id())).as("rolling back needs reboots").isEqualTo(Reply.ok());
    }
}
