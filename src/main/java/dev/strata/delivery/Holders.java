package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.state.FleetLockHolder;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When a FleetLock holder counts as failed; {@code strata status} and the metrics use the same rule. */
public final class Holders {
    private Holders() {
    }

    /**
     * True when the holder has held its slot longer than the group's update timeout and the machine has
     * not reported the digest it was released for booted. Such a holder keeps its slot (it may be rebooting
     * still, or gone for good) until it calls steady-state or a person releases it.
     */
    public static boolean overdue(FleetLockHolder h, Optional<MachineState> machine, Duration updateTimeout, Instant now) {
        if (!h.grantedAt().plus(updateTimeout).isBefore(now)) return false;
        return machine.flatMap(m -> m.releasedDigest().filter(m::runs)).isEmpty();
    }

    /** True when the holder is marked failed, or is overdue now. */
    public static boolean failed(FleetLockHolder h, Optional<MachineState> machine, Duration updateTimeout, Instant now) {
        return h.failed() || overdue(h, machine, updateTimeout, now);
    }

    static String why(FleetLockHolder h, Duration updateTimeout) {
        return "held its reboot slot since " + h.grantedAt() + ", longer than the update timeout ("
                + dev.strata.spec.Durations.format(updateTimeout) + "), without reporting its released digest booted;"
                + " it keeps the slot until it calls steady-state or 'strata rollout release-lock " + h.group() + " "
                + h.machineId() + "'";
    }
}
