package dev.strata.scenario;

import dev.strata.plan.Action;
import dev.strata.plan.MachineState;
import dev.strata.plan.Plan;
import dev.strata.render.PlanJson;
import dev.strata.scenario.Scenario.Step;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dc-east rolled out by the strata command alone: plan, apply, machines boot, ten minutes later plan
 * again. The waves go in order, the limits hold after every apply, and the rollout ends inside the window.
 */
class RolloutThroughApplyTest {
    @TempDir
    Path dir;

    @Test
    void dcEastRollsOutWaveByWaveWithinItsLimits() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        World world = new World(repo, dir.resolve("state.db"));
        World.At head = world.at("HEAD");
        MachineGroup dcEast = head.fleet().group("dc-east").orElseThrow();
        String target = world.buildAll(head, Instant.parse("2026-11-26T12:00:00Z")).get("dc-bonded");
        Path planFile = dir.resolve("plan.json");

        List<String> released = new ArrayList<>();
        Instant now = Instant.parse(Strata.NOW);
        for (int round = 0; round < 40 && !done(planFile, world, now); round++) {
            Strata.Run apply = Strata.run("apply", planFile.toString(), "--repo", repo.toString(), "--state", world.state.toString(),
                    "--now", now.toString());
            assertThat(apply.exitCode()).as("%s", apply).isZero();
            PlanJson.parse(Files.readString(planFile)).actions().stream()
                    .filter(a -> a instanceof Action.Promote p && p.group().equals("dc-east"))
                    .forEach(a -> released.addAll(((Action.Promote) a).machines()));
            assertWithinLimits(world, dcEast);
            world.machinesBootWhatTheyWereReleasedFor(now.plus(Duration.ofMinutes(5)));
            now = now.plus(Duration.ofMinutes(10));
        }

        assertThat(released).containsExactly("dc-east-01", "dc-east-02", "dc-east-03", "dc-east-04", "dc-east-06", "dc-east-05",
                "dc-east-07", "dc-east-08", "dc-east-09", "dc-east-10");
        assertThat(now).as("finished inside Friday's window, which closes at 04:00 UTC").isBefore(Instant.parse("2026-11-27T04:00:00Z"));
        try (StateStore store = SqliteStateStore.open(world.state)) {
            assertThat(dcEast.machines()).allMatch(m -> store.machine(m.id()).orElseThrow().runs(target));
        }
        Strata.Run status = Strata.run("status", "--repo", repo.toString(), "--state", world.state.toString());
        assertThat(status.out()).as("%s", status).contains("dc-east (bootc, 10 machines): done\n",
                "machines: 10 updated, 0 updating, 0 pending, 0 failed");
    }

    /** Plans as of {@code now} into {@code planFile}; true once dc-east has nothing left to do. */
    static boolean done(Path planFile, World world, Instant now) throws Exception {
        Strata.Run run = Strata.run("plan", "--repo", world.repo.toString(), "--state", world.state.toString(),
                "--now", now.toString(), "--out", planFile.toString());
        assertThat(run.exitCode()).as("%s", run).isZero();
        Plan plan = PlanJson.parse(Files.readString(planFile));
        return plan.actions().stream().anyMatch(a -> a instanceof Action.NoOp n && n.subject().equals("dc-east")
                && n.reason().startsWith("all 10 machines run"));
    }

    /** At most 2 machines of dc-east updating at once, and at most 1 per rack. */
    static void assertWithinLimits(World world, MachineGroup g) {
        try (StateStore store = SqliteStateStore.open(world.state)) {
            Map<String, MachineState> machines = store.machines();
            List<Machine> inFlight = g.machines().stream().filter(m -> machines.containsKey(m.id())).filter(m -> {
                MachineState s = machines.get(m.id());
                return s.releasedDigest().isPresent() && !s.runs(s.releasedDigest().get());
            }).toList();
            assertThat(inFlight).as("dc-east machines updating").hasSizeLessThanOrEqualTo(2);
            assertThat(inFlight.stream().collect(Collectors.groupingBy(m -> m.labels().get("rack"), Collectors.counting())))
                    .as("dc-east machines updating per rack").allSatisfy((rack, n) -> assertThat(n).isLessThanOrEqualTo(1));
        }
    }
}
