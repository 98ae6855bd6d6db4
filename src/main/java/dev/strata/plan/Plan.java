package dev.strata.plan;

import java.time.Instant;
import java.util.List;

/**
 * A plan: the actions for one revision against one observed state, at one time. {@code stateFingerprint}
 * summarises the build and rollout state it was made against (not machine reports), so apply can
 * refuse a stale plan.
 */
public record Plan(int formatVersion, String revision, Instant createdAt, String stateFingerprint,
                   List<Action> actions) {
    public static final int FORMAT_VERSION = 1;

    public Plan {
        actions = List.copyOf(actions);
    }

    /** True when some action would change something (a build, a promotion or a rollback). */
    public boolean hasChanges() {
        return actions.stream().anyMatch(a -> a instanceof Action.BuildImage || a instanceof Action.Promote
                || a instanceof Action.Rollback);
    }
}
