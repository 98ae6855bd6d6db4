package dev.strata.state;

import dev.strata.plan.MachineState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static dev.strata.state.Fixtures.T0;
import static dev.strata.state.Fixtures.digest;
import static dev.strata.state.Fixtures.machine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery tables of schema version 3, on a real SQLite file. */
class DeliveryStateTest {
    private static final String A = "5a38c7243b581f6fa33acc35d74b7264";
    private static final String B = "ea4ef04dcebc699c43ddf7f50a9eefd9";
    private static final String C = "71ec6f0c5732ce1d2babc6247b03d36d";

    @TempDir
    Path dir;

    @Test
    void holdersAreKeptPerGroupUntilReleasedAndSurviveReopening() {
        Path file = dir.resolve("state.db");
        try (StateStore store = SqliteStateStore.open(file)) {
            store.grantFleetLock(FleetLockHolder.granted("dc-east", B, T0.plusSeconds(5)));
            store.grantFleetLock(FleetLockHolder.granted("dc-east", A, T0));
            store.grantFleetLock(FleetLockHolder.granted("edge", C, T0));
            assertThatThrownBy(() -> store.grantFleetLock(FleetLockHolder.granted("dc-east", A, T0.plusSeconds(9))))
                    .isInstanceOf(StateStoreException.class).hasMessageContaining(A + " already holds a FleetLock slot");
        }
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.fleetLockHolders("dc-east")).extracting(FleetLockHolder::machineId).containsExactly(A, B);
            assertThat(store.fleetLockHolders()).extracting(FleetLockHolder::group).containsExactly("dc-east", "dc-east", "edge");
            assertThat(store.fleetLockHolder(A)).contains(FleetLockHolder.granted("dc-east", A, T0));

            assertThat(store.markFleetLockFailed(A, T0.plusSeconds(7200), "never came back")).isTrue();
            assertThat(store.markFleetLockFailed(A, T0.plusSeconds(9000), "again")).as("marked once").isFalse();
            assertThat(store.fleetLockHolder(A).orElseThrow().failure()).contains("never came back");
            assertThat(store.fleetLockHolder(A).orElseThrow().failed()).isTrue();

            assertThat(store.releaseFleetLock(A)).isTrue();
            assertThat(store.releaseFleetLock(A)).as("released twice").isFalse();
            assertThat(store.markFleetLockFailed(A, T0, "gone")).isFalse();
            assertThat(store.fleetLockHolders("dc-east")).extracting(FleetLockHolder::machineId).containsExactly(B);
        }
    }

    @Test
    void aNewTokenReplacesTheOldAndOnlyItsHashIsKept() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            assertThat(store.machineToken(A)).isEmpty();
            store.recordMachineToken(new MachineToken(A, "a".repeat(64), T0));
            store.recordMachineToken(new MachineToken(A, "b".repeat(64), T0.plusSeconds(1)));
            assertThat(store.machineToken(A)).contains(new MachineToken(A, "b".repeat(64), T0.plusSeconds(1)));
            assertThat(store.forgetMachineToken(A)).isTrue();
            assertThat(store.machineToken(A)).isEmpty();
        }
        assertThatThrownBy(() -> new MachineToken(A, "not-a-hash", T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownIdsAreCountedAndTheListIsBounded() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            assertThat(store.recordUnknownMachine(A, "pre-reboot", T0, 2)).isTrue();
            assertThat(store.recordUnknownMachine(A, "status", T0.plusSeconds(60), 2)).isTrue();
            assertThat(store.recordUnknownMachine(B, "target", T0.plusSeconds(30), 2)).isTrue();
            assertThat(store.recordUnknownMachine(C, "target", T0.plusSeconds(90), 2)).as("the list is full").isFalse();
            assertThat(store.recordUnknownMachine(B, "target", T0.plusSeconds(120), 2)).as("known ids still count").isTrue();

            assertThat(store.unknownMachines()).containsExactly(
                    new UnknownMachine(B, T0.plusSeconds(30), T0.plusSeconds(120), "target", 2),
                    new UnknownMachine(A, T0, T0.plusSeconds(60), "status", 2));
            assertThat(store.unknownMachineCount()).isEqualTo(2);
            assertThat(store.forgetUnknownMachine(A)).isTrue();
            assertThat(store.unknownMachineCount()).isEqualTo(1);
        }
    }

    @Test
    void rollbackColumnsAndThePlannersColumnsDoNotOverwriteEachOther() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            MachineState m = machine(A, digest("old"));
            store.recordMachine(m);
            assertThat(store.machineRollback(A)).contains(MachineRollback.none(A));
            MachineRollback back = new MachineRollback(A, Optional.of(digest("new")), Optional.of(digest("new")),
                    Optional.of(T0.plusSeconds(3)));
            store.recordMachineRollback(back);
            assertThat(store.machine(A)).contains(m);
            // apply releases the machine again: its rollback record stays.
            MachineState released = new MachineState(A, m.booted(), m.bootedSince(), m.staged(), Optional.of(digest("newer")),
                    Optional.of(T0.plusSeconds(10)), Optional.empty(), m.lastReport());
            store.recordMachine(released);
            assertThat(store.machineRollback(A)).contains(back);
            assertThat(store.machineRollbacks()).containsOnlyKeys(A);
            assertThat(back.rolledBackOnItsOwn()).isTrue();
            store.forgetMachine(A);
            assertThat(store.machineRollback(A)).isEmpty();
        }
    }

    @Test
    void deliveryWritesTakePartInTheSurroundingTransaction() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            assertThatThrownBy(() -> store.update(tx -> {
                tx.grantFleetLock(FleetLockHolder.granted("dc-east", A, T0));
                tx.recordMachineToken(new MachineToken(B, "c".repeat(64), T0));
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(store.fleetLockHolders()).isEmpty();
            assertThat(store.machineToken(B)).isEmpty();
        }
    }
}
