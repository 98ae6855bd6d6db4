package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * What a machine's last report said about its rollback deployment, beside the planner's
 * {@link dev.strata.plan.MachineState}: the rollback digest, and whether the machine rolled back on its
 * own (from which digest, noticed when), which Strata did not order.
 */
public record MachineRollback(String id, Optional<String> rollback, Optional<String> rolledBackFrom,
                              Optional<Instant> rolledBackAt) {
    public MachineRollback {
        Objects.requireNonNull(id, "id");
        rolledBackAt = rolledBackAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        if (rolledBackFrom.isPresent() != rolledBackAt.isPresent()) {
            throw new IllegalArgumentException("a rollback on its own needs both the digest and the time");
        }
    }

    public static MachineRollback none(String id) {
        return new MachineRollback(id, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** True when the machine went back to an earlier deployment that Strata did not order. */
    public boolean rolledBackOnItsOwn() {
        return rolledBackFrom.isPresent();
    }
}
