package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.plan.Windows;
import dev.strata.spec.Durations;
import dev.strata.spec.Rollout;
import dev.strata.state.FleetLockHolder;

import java.time.Instant;
import java.util.Optional;

/** When a FleetLock holder counts as failed; {@code /metrics} and the marks in the state store use the same rule. */
public final class Holders {
    private Holders() {
    }

    /**
     * True when the holder has held its slot for longer than its group's update timeout, counted as the
     * planner counts it (only time inside the group's windows, {@link Windows#timedOut}), and the machine
     * has not reported the digest it was released for booted. A holder whose group left the fleet gets the
     * default timeout in wall time. Such a holder keeps its slot (it may be rebooting still, or gone for
     * good) until it calls steady-state or a person releases it.
     */
    public static boolean overdue(FleetLockHolder h, Optional<MachineState> machine, Optional<Rollout> rollout, Instant now) {
        boolean late = rollout.map(r -> Windows.timedOut(r, h.grantedAt(), now))
                .orElseGet(() -> h.grantedAt().plus(Rollout.DEFAULT_UPDATE_TIMEOUT).isBefore(now));
        return late && machine.flatMap(m -> m.releasedDigest().filter(m::runs)).isEmpty();
    }

    /** True when the holder is marked failed, or is overdue now. */
    public static boolean failed(FleetLockHolder h, Optional<MachineState> machine, Optional<Rollout> rollout, Instant now) {
        return h.failed() || overdue(h, machine, rollout, now);
    }

    static String why(FleetLockHolder h, Optional<Rollout> rollout) {
        String timeout = Durations.format(rollout.map(Rollout::updateTimeout).orElse(Rollout.DEFAULT_UPDATE_TIMEOUT));
        return "held its reboot slot since " + h.grantedAt() + ", longer than the update timeout (" + timeout + ")"
                + (rollout.filter(r -> !r.alwaysOpen()).isPresent() ? " counting only open window time" : "")
                + ", without reporting its released digest booted; it keeps the slot until it calls steady-state or"
                + " 'strata rollout release-lock " + h.group() + " " + h.machineId() + "'";
    }
}
