package dev.strata.scenario;

import dev.strata.cli.ExitCodes;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.scenario.Scenario.Step;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.HistoryEntry;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata apply} killed between state writes (the crash-test hook in the cli package halts the
 * JVM after N actions, as kill -9 would): the state stays consistent, the stale plan is refused, and
 * a new plan carries on without releasing any machine twice or past the limits.
 */
class ApplyCrashTest {
    /** What one uninterrupted apply releases, first plan at any time: one slot per group. */
    static final List<String> FIRST_RELEASES = List.of("dc-east-01", "edge-01", "lab-01");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after {0} action(s)")
    @ValueSource(ints = {1, 2, 3})
    void aKilledApplyLeavesAConsistentStateThatTheNextPlanContinues(int crashAfter) throws Exception {
        Path repo = dir.resolve("repo");
        Scenario s = Scenario.upTo(Step.NEW_GROUP, repo);
        // No maintenance windows: every group may roll now, whatever the clock says, so one plan has three promotions.
        s.repo.replace("groups/dc-east.yaml", "    windows:\n      - {days: [Mon, Tue, Wed, Thu, Fri], start: \"01:00\", length: 4h}\n", "")
                .replace("groups/edge.yaml", "    windows:\n      - {days: [Sat, Sun], start: \"22:00\", length: 6h}\n", "")
                .commit("Roll at any time");
        s.repo.close();
        World world = new World(repo, dir.resolve("state.db"));
        FleetSpec fleet = world.at("HEAD").fleet();
        world.buildAll(world.at("HEAD"), Instant.now());
        Path planFile = dir.resolve("plan.json");
        Strata.Run plan = Strata.run("plan", "--repo", repo.toString(), "--state", world.state.toString(), "--out", planFile.toString());
        assertThat(plan.out()).as("%s", plan).contains("promote dc-east", "promote edge", "promote lab");
        String[] apply = {"apply", planFile.toString(), "--repo", repo.toString(), "--state", world.state.toString()};

        Strata.Run crashed = Strata.child(List.of("-Dstrata.test.crashAfter=" + crashAfter), apply);

        assertThat(crashed.exitCode()).as("%s", crashed).isEqualTo(137);
        List<String> reported = crashed.out().lines().filter(l -> l.startsWith("applied ")).toList();
        assertThat(reported).hasSize(crashAfter);
        assertThat(crashed.out()).doesNotContain("Apply:");
        List<String> released = assertConsistent(world.state, fleet);
        assertThat(released).as("machines released before the crash").containsExactlyElementsOf(FIRST_RELEASES.subList(0, crashAfter));

        Strata.Run again = Strata.run(apply);
        assertThat(again.exitCode()).as("the same plan, applied again: %s", again).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(again.err()).as("the killed run's lock record").contains("note: cleared a stale run lock of pid");

        Strata.Run replan = Strata.run("plan", "--repo", repo.toString(), "--state", world.state.toString(), "--out", planFile.toString());
        assertThat(replan.exitCode()).as("%s", replan).isZero();
        Strata.Run resumed = Strata.run(apply);
        assertThat(resumed.exitCode()).as("%s", resumed).isEqualTo(ExitCodes.OK);
        assertThat(resumed.out()).endsWith("Apply: " + (3 - crashAfter) + " applied, 0 failed.\n");
        assertThat(assertConsistent(world.state, fleet)).as("after the next plan").containsExactlyElementsOf(FIRST_RELEASES);
        assertWithinLimits(world.state, fleet);
    }

    /**
     * PRAGMA integrity_check is ok; the machines the history says were promoted are exactly those whose
     * release is recorded, each once, for its group's target. Returns them, in history order.
     */
    static List<String> assertConsistent(Path state, FleetSpec fleet) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state);
             ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("ok");
        }
        Map<String, Machine> byName = fleet.groups().stream().flatMap(g -> g.machines().stream())
                .collect(Collectors.toMap(Machine::name, Function.identity()));
        try (StateStore store = SqliteStateStore.open(state)) {
            List<HistoryEntry> history = new ArrayList<>(store.history(Optional.empty(), Integer.MAX_VALUE));
            java.util.Collections.reverse(history);
            List<String> promoted = new ArrayList<>();
            for (HistoryEntry e : history) {
                if (!e.kind().equals("promote")) continue;
                GroupState g = store.group(e.subject()).orElseThrow(() -> new AssertionError("no rollout recorded for " + e));
                for (String name : e.detail().split(",")) {
                    MachineState m = store.machine(byName.get(name).id()).orElseThrow(() -> new AssertionError(name + " not recorded"));
                    assertThat(m.releasedDigest()).as("%s's release", name).isEqualTo(g.target());
                    promoted.add(name);
                }
            }
            List<String> recorded = store.machines().values().stream().filter(m -> m.releasedDigest().isPresent())
                    .map(m -> byName.values().stream().filter(x -> x.id().equals(m.id())).findFirst().orElseThrow().name()).toList();
            assertThat(promoted).as("machines promoted in the history").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(recorded);
            return promoted;
        }
    }

    /** No group has more machines released and not yet running their release than maxUnavailable allows. */
    static void assertWithinLimits(Path state, FleetSpec fleet) {
        try (StateStore store = SqliteStateStore.open(state)) {
            for (MachineGroup g : fleet.groups()) {
                long inFlight = g.machines().stream().map(m -> store.machine(m.id()))
                        .filter(m -> m.flatMap(MachineState::releasedDigest).isPresent() && !m.get().runs(m.get().releasedDigest().get()))
                        .count();
                assertThat(inFlight).as("machines of %s in flight", g.name())
                        .isLessThanOrEqualTo(g.rollout().maxUnavailable().of(g.machines().size()));
            }
        }
    }
}
