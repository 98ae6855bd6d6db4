package dev.strata.spec;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * How a group moves to a new image: ordered waves, limits on how many machines may be updating at
 * once, time between waves, when updates may happen, approval gates and what to do on failure.
 */
public record Rollout(List<Wave> waves, Quantity maxUnavailable, Optional<DisruptionBudget> disruptionBudget,
                      Optional<String> holdAfter, Optional<String> approved, Duration bakeTime, ZoneId timeZone,
                      List<Window> windows, boolean paused, Duration updateTimeout, FailurePolicy failurePolicy) {

    public static final Duration DEFAULT_UPDATE_TIMEOUT = Duration.ofHours(2);

    public Rollout {
        waves = List.copyOf(waves);
        windows = List.copyOf(windows);
    }

    /** No windows means updates may happen at any time. */
    public boolean alwaysOpen() {
        return windows.isEmpty();
    }

    public record DisruptionBudget(List<String> groupBy, Quantity maxUnavailable) {
        public DisruptionBudget {
            groupBy = List.copyOf(groupBy);
        }
    }

    public record FailurePolicy(int maxFailures, Action action) {
        public static final FailurePolicy DEFAULT = new FailurePolicy(1, Action.HALT);

        public enum Action {
            HALT, ROLLBACK;

            public String value() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }
}
