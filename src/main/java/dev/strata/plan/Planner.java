package dev.strata.plan;

import dev.strata.spec.MachineGroup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner: a pure function of the desired fleet, the observed state and the time. No I/O, no
 * clock of its own; the same inputs give the same plan. Images come first (parents before the
 * images built on them), then one decision per group.
 */
public final class Planner {
    private Planner() {
    }

    public static Plan plan(Desired desired, Observed observed, Instant now) {
        List<Action> actions = new ArrayList<>(BuildPlanner.plan(desired, observed));
        for (MachineGroup g : desired.fleet().groups()) actions.addAll(RolloutPlanner.plan(g, desired, observed, now));
        return new Plan(Plan.FORMAT_VERSION, desired.revision(), now, Fingerprint.of(observed), actions);
    }
}
