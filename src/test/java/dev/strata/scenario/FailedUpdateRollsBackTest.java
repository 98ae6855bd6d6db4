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

        // edge is a zincati group: Zincati refuses a downgrade, so the rollback is a republish of the old image,
        // newer than the failed one (docs/zincati.md); the group waits for it. (The full flow, with a registry, is
        // ForwardOnlyTest and ZincatiFleetTest.)
        Strata.Run rollback = Strata.run("plan", "--repo", repo.toString(), "--state", world.state.toString(),
                "--now", SATURDAY_NIGHT.plusSeconds(600).toString());
        assertThat(rollback.out()).as("%s", rollback).contains("+ build edge (republish)", "rolling back from " + next.substring(0, 19)
                + ": waiting for " + old.substring(0, 19) + " to be published again as a new release");
        assertThat(rollback.out()).doesNotContain("promote edge");
        try (StateStore store = SqliteStateStore.open(world.state)) {
            assertThat(store.releases("edge")).extracting(r -> r.imageDigest()).containsExactly(next);
            assertThat(store.machine(canary.id()).orElseThrow().failure()).isPresent();
        }
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
