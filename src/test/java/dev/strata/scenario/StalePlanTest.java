package dev.strata.scenario;

import dev.strata.cli.ExitCodes;
import dev.strata.plan.Build;
import dev.strata.plan.MachineState;
import dev.strata.scenario.Scenario.Step;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A saved plan is applied exactly or not at all: apply refuses it (exit 76) once the specs or the
 * build and rollout state moved since it was made, but not because machines reported in.
 */
class StalePlanTest {
    @TempDir
    Path dir;
    Scenario scenario;
    World world;
    Path planFile;

    @BeforeEach
    void fleetWithItsImagesBuilt() throws Exception {
        Path repo = dir.resolve("repo");
        scenario = Scenario.upTo(Step.INITIAL_FLEET, repo);
        world = new World(repo, dir.resolve("state.db"));
        world.buildAll(world.at("HEAD"), Instant.parse("2026-11-26T12:00:00Z"));
        planFile = dir.resolve("plan.json");
    }

    Strata.Run plan() {
        Strata.Run run = Strata.run("plan", "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", Strata.NOW, "--out", planFile.toString());
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("promote dc-east, wave canary");
        return run;
    }

    /** Applies inside dc-east's Friday-night window, as a scheduled job right after planning would. */
    Strata.Run apply(Path plan) {
        return Strata.run("apply", plan.toString(), "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", "2026-11-27T01:10:00Z");
    }

    @Test
    void aPlanAppliedAfterTheWindowClosedIsRefused() {
        plan();

        Strata.Run run = Strata.run("apply", planFile.toString(), "--repo", world.repo.toString(), "--state",
                world.state.toString(), "--now", "2026-11-27T09:00:00Z");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(run.err()).contains("maintenance windows are closed").contains("next opens").contains("make a new plan");
        assertThat(run.out()).doesNotContain("applied");
    }

    @Test
    void aFreshPlanApplies() {
        plan();

        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("applied ~ dc-east: wave canary: release 1 machine(s)")
                .endsWith("Apply: 1 applied, 0 failed.\n");
    }

    @Test
    void aNewBuildMakesThePlanStale() throws Exception {
        plan();
        try (StateStore store = SqliteStateStore.open(world.state)) {
            Build b = store.builds().values().iterator().next();
            store.recordBuild(new Build(b.image(), "sha256:" + "ab".repeat(32), "sha256:" + "cd".repeat(32),
                    b.reference(), b.commit(), b.baseDigest(), b.baseVersion(), b.builtAt()));
        }

        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(run.err()).contains("stale plan: the build and rollout state changed since the plan was made")
                .contains("make a new plan");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void applyingAnotherPlanFirstMakesThePlanStale() throws Exception {
        plan();
        Path other = Files.copy(planFile, dir.resolve("other.json"));
        assertThat(apply(other).exitCode()).isZero();

        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(run.err()).contains("make a new plan");
    }

    @Test
    void aNewCommitMakesThePlanStale() throws Exception {
        plan();
        scenario.repo.replace("groups/dc-east.yaml", "bakeTime: 30m", "bakeTime: 1h").commit("dc-east: bake for an hour");

        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(run.err()).contains("the plan was made at " + scenario.commits.get(Step.INITIAL_FLEET).name())
                .contains("make a new plan");
    }

    @Test
    void machineReportsAloneDoNotMakeThePlanStale() throws Exception {
        // dc-east-01 is released by a first plan and boots it; the next plan is saved; then machines report.
        plan();
        assertThat(apply(planFile).exitCode()).isZero();
        world.machinesBootWhatTheyWereReleasedFor(Instant.parse("2026-11-27T00:31:00Z"));
        Strata.Run second = Strata.run("plan", "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", "2026-11-27T01:05:00Z", "--out", planFile.toString());
        assertThat(second.out()).as("%s", second).contains("promote dc-east, wave early");
        try (StateStore store = SqliteStateStore.open(world.state)) {
            MachineState canary = store.machines().values().stream().filter(m -> m.releasedDigest().isPresent())
                    .findFirst().orElseThrow();
            String other = "sha256:" + "ef".repeat(32);
            store.recordMachine(new MachineState(canary.id(), Optional.of(other), Optional.of(Instant.parse("2026-11-27T01:06:00Z")),
                    Optional.empty(), canary.releasedDigest(), canary.releasedAt(), Optional.empty(),
                    Optional.of(Instant.parse("2026-11-27T01:06:00Z"))));
            // A machine Strata never released checks in for the first time.
            store.recordMachine(MachineState.unknown("00112233445566778899aabbccddeeff"));
        }

        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("applied ~ dc-east: wave early");
    }

    @Test
    void aPullRequestPreviewIsNeverApplied() throws Exception {
        scenario.repo.replace(Scenario.BOND, "miimon=100", "miimon=200").commit("bond0: check the links every 200 ms");
        String[] preview = {"plan", "--repo", world.repo.toString(), "--state", world.state.toString(), "--now", Strata.NOW,
                "--base", "HEAD~1", "--head", "HEAD"};

        Strata.Run out = Strata.run(Strata.plus(preview, "--out", planFile.toString()));
        assertThat(out.exitCode()).as("%s", out).isEqualTo(ExitCodes.USAGE);
        assertThat(out.err()).contains("a --base/--head preview cannot be applied");

        // Its JSON, saved by hand, names dc-bonded's new build by its inputs digest: nothing is built under that name.
        Strata.Run json = Strata.run(Strata.plus(preview, "--format", "json"));
        Files.writeString(planFile, json.out());
        Strata.Run run = apply(planFile);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.STALE_PLAN);
        assertThat(run.err()).contains("which is not a recorded build (a --base/--head preview cannot be applied)");
        try (StateStore store = SqliteStateStore.open(world.state)) {
            assertThat(store.machines()).as("machines released").isEmpty();
            assertThat(store.history(Optional.empty(), 10)).isEmpty();
        }
    }
}
