package dev.strata.delivery;

import dev.strata.spec.Agent;
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

    /**
     * One extra check, written in the target as {@code {"<type>": "<target>"}}: {@code http} (a URL that answers
     * below 400) or {@code tcp} (host:port that accepts a connection).
     */
    public record Check(String type, String target) {
    }

    /** A group's settings: its spec's {@code agent.connectivityTimeout} in whole seconds, and its checks in spec order. */
    static Connectivity of(MachineGroup group) {
        Agent a = group.agent();
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, a.connectivityTimeout().toSeconds()));
        return new Connectivity(seconds, a.checks().stream().map(c -> new Check(c.type().value(), c.target())).toList());
    }
}
