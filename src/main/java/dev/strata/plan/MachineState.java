package dev.strata.plan;

import java.time.Instant;
import java.util.Optional;

/**
 * What a machine last told us, and what we last asked of it. {@code releasedDigest}/{@code releasedAt}
 * record the newest update the planner released it for; {@code bootedSince} is when it was first
 * seen booted on {@code booted}.
 */
public record MachineState(String id, Optional<String> booted, Optional<Instant> bootedSince,
                           Optional<String> staged, Optional<String> releasedDigest, Optional<Instant> releasedAt,
                           Optional<String> failure, Optional<Instant> lastReport) {

    public static MachineState unknown(String id) {
        return new MachineState(id, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean runs(String digest) {
        return booted.filter(digest::equals).isPresent();
    }
}
