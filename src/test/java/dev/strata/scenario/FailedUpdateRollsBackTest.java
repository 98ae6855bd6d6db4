package dev.strata.scenario;

import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.scenario.Scenario.Step;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * edge's failure policy is "roll back after 1 failure": its canary fails to boot the new base, the next
 * plan rolls it back, and the digest is never offered again, through plan and apply alone.
 */
class FailedUpdateRollsBackTest {
    /** Saturday 22:30 in New York: edge's window is open. */
    static final Instant SATURDAY_NIGHT = Instant.parse("2026-11-29T03:30:00Z");

    @TempDir
    Path dir;

    @Test
    void aFailedCanaryIsRolledBackAndItsDigestNeverOfferedAgain() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario s = Scenario.upTo(Step.STREAM_PIN_MOVED, repo);
        s.repo.close();
        World world = new World(repo, dir.resolve("state.db"));
        World.At before = world.at(s.commits.get(Step.BOND_CHANGE).name());
        String old = world.buildAll(before, SATURDAY_NIGHT.minusSeconds(86400)).get("edge");
        MachineGroup edge = before.fleet().group("edge").orElseThrow();
        world.rolledOut(edge, old, Optional.empty(), SATURDAY_NIGHT.minusSeconds(86400));
        String next = world.buildAll(world.at("HEAD"), SATURDAY_NIGHT.minusSeconds(3600)).get("edge");

        assertThat(planAndApply(world, SATURDAY_NIGHT)).contains("applied ~ edge: wave first: release 1 machine(s) to "
                + next.substring(0, 19));
        Machine canary = edge.machines().get(0);
        try (StateStore store = SqliteStateStore.open(world.state)) {
            MachineState m = store.machine(canary.id()).orElseThrow();
            store.recordMachine(new MachineState(m.id(), m.booted(), m.bootedSince(), Optional.empty(), m.releasedDigest(),
                    m.releasedAt(), Optional.of("bootc switch: image verification failed"), Optional.of(SATURDAY_NIGHT.plusSeconds(300))));
        }

        assertThat(planAndApply(world, SATURDAY_NIGHT.plusSeconds(600)))
                .contains("applied -/+ edge: 1 machine(s) failed to update to " + next.substring(0, 19) + " (edge-01); rolling back to "
                        + old.substring(0, 19));
        try (StateStore store = SqliteStateStore.open(world.state)) {
            GroupState g = store.group("edge").orElseThrow();
            assertThat(g.status()).isEqualTo(GroupState.Status.ROLLED_BACK);
            assertThat(g.rejectedDigests()).containsExactly(next);
            assertThat(store.machine(canary.id()).orElseThrow().releasedDigest()).contains(old);
            assertThat(store.machine(canary.id()).orElseThrow().failure()).isEmpty();
            Map<String, MachineState> machines = store.machines();
            assertThat(edge.machines().subList(1, 4)).allMatch(m -> machines.get(m.id()).runs(old));
        }

        Strata.Run held = Strata.run("plan", "--repo", repo.toString(), "--state", world.state.toString(),
                "--now", SATURDAY_NIGHT.plusSeconds(1200).toString(), "--detailed-exitcode");
        assertThat(held.out()).as("%s", held).contains("! hold edge (rejected digest)",
                "was rolled back after failures and is never offered again; commit a fix to roll forward");
        assertThat(held.out()).doesNotContain("promote edge");
    }

    static String planAndApply(World world, Instant now) {
        Path planFile = world.state.resolveSibling("plan.json");
        Strata.Run plan = Strata.run("plan", "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", now.toString(), "--out", planFile.toString());
        assertThat(plan.exitCode()).as("%s", plan).isIn(0, 3);
        Strata.Run apply = Strata.run("apply", planFile.toString(), "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", now.toString());
        assertThat(apply.exitCode()).as("%s", apply).isZero();
        return apply.out();
    }
}
