package dev.strata.plan;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Where a group's rollout stands: the digest being rolled out and the one before it, when it
 * started, whether the failure policy halted it or rolled it back, and digests never to offer again.
 * Manual pause from the command line is {@code pausedByOperator}.
 */
public record GroupState(String group, Optional<String> target, Optional<String> previous, Optional<Instant> startedAt,
                         Status status, Set<String> rejectedDigests, boolean pausedByOperator) {
    public GroupState {
        rejectedDigests = Set.copyOf(rejectedDigests);
    }

    public enum Status { IDLE, ROLLING, HALTED, ROLLED_BACK, DONE }

    public static GroupState fresh(String group) {
        return new GroupState(group, Optional.empty(), Optional.empty(), Optional.empty(), Status.IDLE, Set.of(), false);
    }
}
