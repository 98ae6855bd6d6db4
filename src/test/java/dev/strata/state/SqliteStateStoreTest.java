package dev.strata.state;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.plan.Observed;
import dev.strata.plan.StreamResolution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.state.Fixtures.T0;
import static dev.strata.state.Fixtures.build;
import static dev.strata.state.Fixtures.digest;
import static dev.strata.state.Fixtures.entry;
import static dev.strata.state.Fixtures.machine;
import static dev.strata.state.Fixtures.rolling;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStateStoreTest {
    @TempDir
    Path dir;
    SqliteStateStore store;

    @BeforeEach
    void open() {
        store = SqliteStateStore.open(dir.resolve("state.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void buildsRoundTripKeyedByInputsDigest() {
        Build a = build("dc-bonded", 1);
        Build b = build("dc-bonded", 2);
        store.recordBuild(a);
        store.recordBuild(b);

        assertThat(reopened().builds()).containsExactlyInAnyOrderEntriesOf(
                Map.of(a.inputsDigest(), a, b.inputsDigest(), b));
        assertThat(store.build(b.inputsDigest())).contains(b);
        assertThat(store.build(digest("nothing"))).isEmpty();
    }

    @Test
    void theInputsOfAnImagesLatestBuildRoundTripAndReplaceTheEarlierOnes() {
        InputsDigest first = new InputsDigest("dc-bonded", digest("in-1"), digest("base-1"), List.of(
                new InputsDigest.LayerDigest("network", digest("layer-1"), Map.of("/etc/a.conf", digest("a-1")))));
        InputsDigest second = new InputsDigest("dc-bonded", digest("in-2"), digest("base-1"), List.of(
                new InputsDigest.LayerDigest("network", digest("layer-2"), Map.of("/etc/a.conf", digest("a-2"),
                        "unit:node-exporter.service", digest("u")))));

        store.recordInputs(first, T0);
        store.recordInputs(second, T0.plusSeconds(60));

        assertThat(store.builtInputs()).containsOnlyKeys("dc-bonded");
        assertThat(store.builtInputs().get("dc-bonded")).isEqualTo(second);
        assertThat(store.snapshot().observed(Map.of()).previousInputs()).containsEntry("dc-bonded", second);
    }

    @Test
    void recordingABuildAgainReplacesIt() {
        Build first = build("dc-bonded", 1);
        Build again = new Build(first.image(), first.inputsDigest(), digest("repushed"), "registry.example/x@" + digest("repushed"),
                "beef", digest("base"), Optional.empty(), T0.plusSeconds(3600));
        store.recordBuild(first);
        store.recordBuild(again);

        assertThat(store.builds()).containsExactly(Map.entry(first.inputsDigest(), again));
    }

    @Test
    void groupsRoundTripWithRejectedDigestsAndEmptyFields() {
        GroupState rolling = rolling("datacenter", digest("new"), digest("old"));
        GroupState fresh = GroupState.fresh("lab");
        GroupState paused = new GroupState("edge", Optional.of(digest("e")), Optional.empty(), Optional.empty(),
                GroupState.Status.HALTED, Set.of(), true);
        store.saveGroup(rolling);
        store.saveGroup(fresh);
        store.saveGroup(paused);

        assertThat(reopened().groups()).containsOnlyKeys("datacenter", "edge", "lab")
                .containsEntry("datacenter", rolling).containsEntry("lab", fresh).containsEntry("edge", paused);
        assertThat(store.group("datacenter")).contains(rolling);
    }

    @Test
    void savingAGroupReplacesItsRejectedDigests() {
        store.saveGroup(rolling("datacenter", digest("new"), digest("old")));
        GroupState rolledBack = new GroupState("datacenter", Optional.of(digest("old")), Optional.of(digest("new")),
                Optional.of(T0.plusSeconds(60)), GroupState.Status.ROLLED_BACK, Set.of(digest("new")), false);
        store.saveGroup(rolledBack);

        assertThat(store.group("datacenter")).contains(rolledBack);
    }

    @Test
    void wavesRecordProgressAndCompletion() {
        store.saveGroup(rolling("datacenter", digest("new"), digest("old")));
        WaveProgress canary = WaveProgress.started("datacenter", digest("new"), "canary", T0, 1);
        WaveProgress thirty = WaveProgress.started("datacenter", digest("new"), "thirty", T0.plusSeconds(3600), 3);
        store.saveWave(canary);
        store.saveWave(thirty);
        WaveProgress canaryDone = canary.withReports(1, 0).completedAt(T0.plusSeconds(900));
        store.saveWave(canaryDone);

        assertThat(reopened().waves("datacenter")).containsExactly(canaryDone, thirty);
        assertThat(store.waves()).containsExactly(canaryDone, thirty);
        assertThat(canaryDone.completed()).isTrue();
    }

    @Test
    void aWaveNeedsItsGroupSavedFirst() {
        assertThatThrownBy(() -> store.saveWave(WaveProgress.started("ghost", digest("x"), "canary", T0, 1)))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("of group ghost: the group has no saved rollout");
    }

    @Test
    void theFirstApprovalOfADigestStands() {
        Approval first = new Approval("datacenter", digest("new"), "alice", T0);
        Approval second = new Approval("datacenter", digest("new"), "bob", T0.plusSeconds(5));
        Approval other = new Approval("edge", digest("new"), "carol", T0);

        assertThat(store.recordApproval(first)).isTrue();
        assertThat(store.recordApproval(second)).isFalse();
        store.recordApproval(other);

        assertThat(reopened().approvals()).containsExactly(first, other);
        assertThat(store.approval("datacenter", digest("new"))).contains(first);
        assertThat(store.approval("datacenter", digest("other"))).isEmpty();
    }

    @Test
    void machinesAreUpserted() {
        MachineState seen = machine("4c0f3a9e1b2d4c5f8a7b6c5d4e3f2a1b", digest("old"));
        MachineState unknown = MachineState.unknown("0123456789abcdef0123456789abcdef");
        store.recordMachine(seen);
        store.recordMachine(unknown);
        MachineState failed = new MachineState(seen.id(), seen.booted(), seen.bootedSince(), Optional.of(digest("new")),
                Optional.of(digest("new")), Optional.of(T0), Optional.of("update timed out"),
                Optional.of(T0.plusSeconds(120)));
        store.recordMachine(failed);

        assertThat(reopened().machines()).containsOnlyKeys(seen.id(), unknown.id())
                .containsEntry(seen.id(), failed).containsEntry(unknown.id(), unknown);
        store.forgetMachine(unknown.id());
        assertThat(store.machine(unknown.id())).isEmpty();
    }

    @Test
    void streamsKeepTheLastResolutionAndWhenItWasMade() {
        store.recordStream(new StreamResolution("fcos-stable", digest("s1"), Optional.of("43.1"),
                StreamResolution.Source.REGISTRY), T0);
        store.recordStream(new StreamResolution("fcos-stable", digest("s2"), Optional.of("43.2"),
                StreamResolution.Source.REGISTRY), T0.plusSeconds(60));
        store.recordStream(new StreamResolution("pinned", digest("p"), Optional.empty(), StreamResolution.Source.PIN), T0);

        RecordedStream stable = reopened().recordedStreams().get("fcos-stable");
        assertThat(stable).isEqualTo(new RecordedStream("fcos-stable", digest("s2"), Optional.of("43.2"),
                StreamResolution.Source.REGISTRY, T0.plusSeconds(60)));
        assertThat(stable.asResolution()).isEqualTo(new StreamResolution("fcos-stable", digest("s2"),
                Optional.of("43.2"), StreamResolution.Source.RECORDED));
        assertThat(store.recordedStreams()).containsOnlyKeys("fcos-stable", "pinned");
    }

    @Test
    void anOfflineRunDoesNotMakeARecordedDigestLookFresh() {
        store.recordStream(new StreamResolution("fcos-stable", digest("s1"), Optional.empty(),
                StreamResolution.Source.REGISTRY), T0);
        store.recordStream(store.recordedStreams().get("fcos-stable").asResolution(), T0.plusSeconds(86400));

        assertThat(store.recordedStreams().get("fcos-stable").resolvedAt()).isEqualTo(T0);
    }

    @Test
    void historyIsNewestFirstLimitedAndFilteredBySubject() {
        long first = store.appendHistory(entry("dc-bonded", "one"));
        long second = store.appendHistory(entry("datacenter", "two"));
        long third = store.appendHistory(entry("dc-bonded", "three"));

        assertThat(List.of(first, second, third)).isSorted().doesNotHaveDuplicates();
        assertThat(reopened().history(Optional.empty(), 10)).extracting(HistoryEntry::detail)
                .containsExactly("three", "two", "one");
        assertThat(store.history(Optional.empty(), 2)).extracting(HistoryEntry::detail).containsExactly("three", "two");
        assertThat(store.history(Optional.of("dc-bonded"), 10)).extracting(HistoryEntry::detail)
                .containsExactly("three", "one");
        assertThat(store.history(Optional.empty(), 1).get(0)).isEqualTo(entry("dc-bonded", "three"));
        assertThatThrownBy(() -> store.history(Optional.empty(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void historyEntriesForActionsCarryKindSubjectAndReason() {
        Action promote = new Action.Promote("datacenter", "canary", Optional.of(digest("old")), digest("new"),
                List.of("dc-east-01"), "wave canary may start: inside the night window");
        store.appendHistory(HistoryEntry.forAction(T0, "c0ffee", promote, "1 machine"));

        assertThat(store.history(Optional.of("datacenter"), 1)).containsExactly(new HistoryEntry(T0, "c0ffee",
                "promote", "datacenter", "1 machine", "wave canary may start: inside the night window"));
    }

    @Test
    void historyIsAppendOnly() throws SQLException {
        store.appendHistory(entry("dc-bonded", "one"));

        List<String> writes = Arrays.stream(StateTransaction.class.getMethods()).map(Method::getName)
                .filter(name -> name.toLowerCase().contains("history")).toList();
        assertThat(writes).containsExactlyInAnyOrder("appendHistory", "history");
        // Even SQL run by hand cannot rewrite it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file())) {
            for (String sql : List.of("UPDATE history SET detail = 'forged'", "DELETE FROM history")) {
                assertThatThrownBy(() -> {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.executeUpdate();
                    }
                }).hasMessageContaining("history is append-only");
            }
        }
        assertThat(store.history(Optional.empty(), 10)).containsExactly(entry("dc-bonded", "one"));
    }

    @Test
    void forgettingAGroupRemovesItsRolloutButNotItsHistory() {
        store.saveGroup(rolling("datacenter", digest("new"), digest("old")));
        store.saveWave(WaveProgress.started("datacenter", digest("new"), "canary", T0, 1));
        store.recordApproval(new Approval("datacenter", digest("new"), "alice", T0));
        store.appendHistory(entry("datacenter", "promoted"));

        store.forgetGroup("datacenter");

        assertThat(store.groups()).isEmpty();
        assertThat(store.waves()).isEmpty();
        assertThat(store.approvals()).isEmpty();
        assertThat(store.history(Optional.of("datacenter"), 10)).hasSize(1);
    }

    @Test
    void aTransactionIsAllOrNothing() {
        RuntimeException boom = new RuntimeException("push failed");
        assertThatThrownBy(() -> store.update(tx -> {
            tx.recordBuild(build("dc-bonded", 1));
            tx.saveGroup(rolling("datacenter", digest("new"), digest("old")));
            tx.appendHistory(entry("dc-bonded", "built"));
            throw boom;
        })).isSameAs(boom);

        assertThat(store.builds()).isEmpty();
        assertThat(store.groups()).isEmpty();
        assertThat(store.history(Optional.empty(), 10)).isEmpty();

        String fingerprint = store.transaction(tx -> {
            tx.recordBuild(build("dc-bonded", 1));
            tx.appendHistory(entry("dc-bonded", "built"));
            return tx.fingerprint();
        });
        assertThat(store.builds()).hasSize(1);
        assertThat(store.fingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void aFailingStatementRollsBackTheWholeTransaction() {
        assertThatThrownBy(() -> store.update(tx -> {
            tx.recordBuild(build("dc-bonded", 1));
            tx.saveWave(WaveProgress.started("ghost", digest("x"), "canary", T0, 1));
        })).isInstanceOf(StateStoreException.class);

        assertThat(store.builds()).isEmpty();
    }

    @Test
    void transactionsDoNotNestAndDoNotOutliveTheirWork() {
        assertThatThrownBy(() -> store.update(tx -> store.recordBuild(build("dc-bonded", 1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already in a transaction");

        AtomicReference<StateTransaction> leaked = new AtomicReference<>();
        store.update(leaked::set);
        assertThatThrownBy(() -> leaked.get().builds()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction has ended");
    }

    @Test
    void aReadTransactionRefusesWrites() {
        assertThatThrownBy(() -> store.read(r -> {
            ((StateTransaction) r).recordBuild(build("dc-bonded", 1));
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("read transaction");
        assertThat(store.builds()).isEmpty();
    }

    @Test
    void theFingerprintFollowsBuildsGroupsWavesAndApprovalsButNotMachines() {
        String empty = store.fingerprint();
        assertThat(empty).startsWith("sha256:").hasSize(71);

        store.recordBuild(build("dc-bonded", 1));
        String built = changedFrom(empty);
        store.saveGroup(rolling("datacenter", digest("new"), digest("old")));
        String grouped = changedFrom(built);
        store.saveGroup(rolling("datacenter", digest("new"), digest("old")));
        assertThat(store.fingerprint()).as("saving the same group again").isEqualTo(grouped);
        store.saveWave(WaveProgress.started("datacenter", digest("new"), "canary", T0, 1));
        String waved = changedFrom(grouped);
        store.recordApproval(new Approval("datacenter", digest("new"), "alice", T0));
        String approved = changedFrom(waved);

        store.recordMachine(machine("4c0f3a9e1b2d4c5f8a7b6c5d4e3f2a1b", digest("new")));
        store.recordStream(new StreamResolution("fcos-stable", digest("s"), Optional.empty(),
                StreamResolution.Source.REGISTRY), T0);
        store.appendHistory(entry("datacenter", "promoted"));
        assertThat(store.fingerprint()).isEqualTo(approved);
        assertThat(reopened().fingerprint()).isEqualTo(approved);
    }

    @Test
    void theFingerprintDependsOnValuesNotOnInsertionOrder() {
        Build a = build("a", 1);
        Build b = build("b", 2);
        GroupState g = rolling("g", digest("n"), digest("o"));
        assertThat(StateFingerprint.of(Map.of(a.inputsDigest(), a, b.inputsDigest(), b), Map.of("g", g), List.of(), List.of()))
                .isEqualTo(StateFingerprint.of(Map.of(b.inputsDigest(), b, a.inputsDigest(), a), Map.of("g", g), List.of(),
                        List.of()));
    }

    @Test
    void aSnapshotIsTheObservedStateWithItsFingerprint() {
        Build b = build("dc-bonded", 1);
        GroupState g = rolling("datacenter", b.imageDigest(), digest("old"));
        MachineState m = machine("4c0f3a9e1b2d4c5f8a7b6c5d4e3f2a1b", b.imageDigest());
        store.update(tx -> {
            tx.recordBuild(b);
            tx.saveGroup(g);
            tx.recordMachine(m);
        });
        StreamResolution stable = new StreamResolution("fcos-stable", digest("s"), Optional.empty(),
                StreamResolution.Source.REGISTRY);

        StateSnapshot snapshot = store.snapshot();
        Observed observed = snapshot.observed(Map.of("fcos-stable", stable), Map.of());

        assertThat(snapshot.fingerprint()).isEqualTo(store.fingerprint());
        assertThat(observed.build(b.inputsDigest())).contains(b);
        assertThat(observed.group("datacenter")).contains(g);
        assertThat(observed.machine(m.id())).contains(m);
        assertThat(observed.streams()).containsExactly(Map.entry("fcos-stable", stable));
    }

    @Test
    void aClosedStoreSaysSo() {
        store.close();
        assertThatThrownBy(() -> store.builds()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        store.close();
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant precise = Instant.parse("2026-11-26T10:02:13.123456789Z");
        store.appendHistory(new HistoryEntry(precise, "r", "build", "s", "d", "why"));
        assertThat(store.history(Optional.empty(), 1).get(0).time()).isEqualTo(Instant.parse("2026-11-26T10:02:13.123Z"));
    }

    private String changedFrom(String before) {
        String now = store.fingerprint();
        assertThat(now).isNotEqualTo(before);
        return now;
    }

    private StateStore reopened() {
        store.close();
        store = SqliteStateStore.open(dir.resolve("state.db"));
        return store;
    }
}
