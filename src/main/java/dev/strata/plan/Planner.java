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
        List<Action> actions = new ArrayList<>(imageActions(desired, observed));
        for (Action a : groupActions(desired, observed, now)) {
            // Two zincati groups on one image may ask for the same republish; it is built once.
            if (!(a instanceof Action.BuildImage b && actions.stream().anyMatch(x -> x instanceof Action.BuildImage y
                    && y.image().equals(b.image()) && y.republish().equals(b.republish())))) {
                actions.add(a);
            }
        }
        return new Plan(Plan.FORMAT_VERSION, desired.revision(), now, Fingerprint.of(observed), actions);
    }

    /** One action per image, parents first: build, wait for a base, or nothing to do. */
    public static List<Action> imageActions(Desired desired, Observed observed) {
        return BuildPlanner.plan(desired, observed);
    }

    /** One decision per group, in the fleet's order. */
    public static List<Action> groupActions(Desired desired, Observed observed, Instant now) {
        List<Action> actions = new ArrayList<>();
        for (MachineGroup g : desired.fleet().groups()) actions.addAll(RolloutPlanner.plan(g, desired, observed, now));
        return actions;
    }
}
