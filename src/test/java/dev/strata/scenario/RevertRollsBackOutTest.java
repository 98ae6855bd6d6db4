package dev.strata.scenario;

import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.render.PlanJson;
import dev.strata.scenario.Scenario.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "A group's target is the image of the inputs at the reconciled ref, so reverting a commit rolls the
 * old configuration back out" (DESIGN.md): after git revert, dc-east goes back to the earlier build,
 * which is already pushed, rather than staying on the newest one or building anything.
 */
class RevertRollsBackOutTest {
    @TempDir
    Path dir;

    @Test
    void afterARevertTheTargetIsTheBuildOfTheEarlierInputs() throws Exception {
        Path repoDir = dir.resolve("repo");
        Scenario s = Scenario.upTo(Step.BOND_CHANGE, repoDir);
        World world = new World(repoDir, dir.resolve("state.db"));
        Instant monday = Instant.parse("2026-11-23T01:00:00Z");

        World.At initial = world.at(s.commits.get(Step.INITIAL_FLEET).name());
        Map<String, String> first = world.buildAll(initial, monday);
        initial.fleet().groups().forEach(g -> world.rolledOut(g, first.get(g.image()), Optional.empty(), monday));
        World.At bonded = world.at(s.commits.get(Step.BOND_CHANGE).name());
        Map<String, String> second = world.buildAll(bonded, monday.plusSeconds(3600));
        world.rolledOut(bonded.fleet().group("dc-east").orElseThrow(), second.get("dc-bonded"),
                Optional.of(first.get("dc-bonded")), monday.plusSeconds(7200));
        assertThat(second.get("dc-bonded")).isNotEqualTo(first.get("dc-bonded"));

        s.repo.revert(s.commits.get(Step.BOND_CHANGE));
        s.repo.close();
        Strata.Run run = Strata.run("plan", "--repo", repoDir.toString(), "--state", world.state.toString(),
                "--now", Strata.NOW, "--format", "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        Plan plan = PlanJson.parse(run.out());
        assertThat(plan.actions()).noneMatch(a -> a instanceof Action.BuildImage);
        Action.Promote promote = plan.actions().stream().filter(a -> a instanceof Action.Promote).map(Action.Promote.class::cast)
                .filter(p -> p.group().equals("dc-east")).findFirst().orElseThrow(() -> new AssertionError(run.out()));
        assertThat(promote.toDigest()).isEqualTo(first.get("dc-bonded")).isNotEqualTo(second.get("dc-bonded"));
        assertThat(promote.fromDigest()).contains(second.get("dc-bonded"));
        assertThat(promote.wave()).isEqualTo("canary");
        assertThat(promote.machines()).containsExactly("dc-east-01");

        // The pull request's preview says the same, and still shows which file the revert changes.
        Strata.Run preview = Strata.run("plan", "--repo", repoDir.toString(), "--state", world.state.toString(),
                "--now", Strata.NOW, "--format", "markdown", "--base", "HEAD~1", "--head", "HEAD");
        assertThat(preview.out()).as("%s", preview).contains("| Images to build | 0 |  |", "| Groups to roll | 1 | `dc-east` |",
                "- `Image/dc-bonded` changed (the files it carries)",
                "**`/etc/NetworkManager/system-connections/bond0.nmconnection`**: changed, contents hidden (mode 0600)",
                "Reason: up to date: " + first.get("dc-bonded").substring(0, 19) + " built from "
                        + s.commits.get(Step.INITIAL_FLEET).name().substring(0, 7),
                "Reason: wave canary: release 1 machine(s) to " + first.get("dc-bonded").substring(0, 19));
    }
}
