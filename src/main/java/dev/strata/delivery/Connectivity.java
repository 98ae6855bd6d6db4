package dev.strata.delivery;

import dev.strata.spec.MachineGroup;

import java.util.List;

/**
 * What the agent checks after booting a new deployment, as the target tells it: reach {@code strata serve}
 * and pass every check within {@code timeoutSeconds}, or roll back on its own (docs/delivery.md).
 */
public record Connectivity(int timeoutSeconds, List<Check> checks) {
    public static final Connectivity DEFAULT = new Connectivity(600, List.of());

    public Connectivity {
        if (timeoutSeconds <= 0) throw new IllegalArgumentException("connectivity timeout must be positive");
        checks = List.copyOf(checks);
    }

    /** One extra check: {@code type} {@code http} (a URL that answers below 400) or {@code tcp} (host:port accepts). */
    public record Check(String type, String target) {
    }

    /** A group's settings. Groups have no agent settings in their spec yet, so every group gets the defaults. */
    static Connectivity of(MachineGroup group) {
        return DEFAULT;
    }
}
