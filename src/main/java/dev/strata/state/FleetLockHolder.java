package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A machine holding a FleetLock reboot slot in its group, granted at {@code grantedAt}. A holder that
 * never came back is marked failed ({@code failedAt}, {@code failure}) but keeps its slot until it calls
 * steady-state or a person releases it ({@code strata rollout release-lock}).
 */
public record FleetLockHolder(String group, String machineId, Instant grantedAt, Optional<Instant> failedAt,
                              Optional<String> failure) {
    public FleetLockHolder {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(machineId, "machineId");
        grantedAt = grantedAt.truncatedTo(ChronoUnit.MILLIS);
        failedAt = failedAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        if (failedAt.isPresent() != failure.isPresent()) {
            throw new IllegalArgumentException("a failed holder needs both the time and the reason");
        }
    }

    public static FleetLockHolder granted(String group, String machineId, Instant at) {
        return new FleetLockHolder(group, machineId, at, Optional.empty(), Optional.empty());
    }

    public boolean failed() {
        return failedAt.isPresent();
    }
}
