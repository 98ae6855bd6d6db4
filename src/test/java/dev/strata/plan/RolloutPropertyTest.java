package dev.strata.plan;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated groups (1..60 machines, random waves, limits, rack budgets, windows in several time zones,
 * failure policies) rolled out step by step against a simulated clock and simulated machines. See
 * {@link RolloutSimulation} for what "apply" and the machines do. Seeds are fixed: a failure names its seed.
 */
class RolloutPropertyTest {

    @Test
    void noPlanBreaksTheLimitsOpensOutsideAWindowOrOffersARejectedDigest() {
        List<String> violations = new ArrayList<>();
        int rolledBack = 0;
        int halted = 0;
        int done = 0;
        for (long seed = 1; seed <= 2_000; seed++) {
            RolloutSimulation sim = new RolloutSimulation(seed,
                    new RolloutSimulation.Options(true, true, false)).run(400, true);
            if (!sim.violations().isEmpty()) violations.add(sim.violations().get(0) + "\n" + sim.tail());
            Action last = sim.lastAction();
            if (last instanceof Action.Hold h && h.cause() == Action.HoldCause.REJECTED_DIGEST) rolledBack++;
            if (last instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY) halted++;
            if (last instanceof Action.NoOp) done++;
        }
        assertThat(violations).as("violations").isEmpty();
        // The generator must exercise every ending, or the properties above say little.
        assertThat(rolledBack).as("groups that rolled back and hold").isGreaterThan(20);
        assertThat(halted).as("groups halted by the failure policy").isGreaterThan(20);
        assertThat(done).as("groups that finished").isGreaterThan(20);
    }

    @Test
    void withoutFailuresAndWithOpenWindowsEveryRolloutCompletes() {
        List<String> stuck = new ArrayList<>();
        for (long seed = 10_001; seed <= 11_000; seed++) {
            RolloutSimulation sim = new RolloutSimulation(seed,
                    new RolloutSimulation.Options(false, false, true)).run(3_000, true);
            if (!sim.violations().isEmpty()) stuck.add(sim.violations().get(0) + "\n" + sim.tail());
            else if (!(sim.lastAction() instanceof Action.NoOp) || !sim.everyMachineRuns(sim.target())) {
                stuck.add("seed " + sim.seed + " did not complete:\n" + sim.tail());
            }
        }
        assertThat(stuck).as("rollouts that did not complete").isEmpty();
    }
}
