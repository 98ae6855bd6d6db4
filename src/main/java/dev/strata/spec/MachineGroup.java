package dev.strata.spec;

import java.util.List;

/** Machines that run one image, delivered one way, rolled out by one policy, with the host agent's settings. */
public record MachineGroup(String name, String image, Delivery delivery, List<Machine> machines, Rollout rollout,
                           Agent agent, Origin origin) {
    public MachineGroup {
        machines = List.copyOf(machines);
    }

    /** A group with the default agent settings. */
    public MachineGroup(String name, String image, Delivery delivery, List<Machine> machines, Rollout rollout,
                        Origin origin) {
        this(name, image, delivery, machines, rollout, Agent.DEFAULT, origin);
    }

    public enum Delivery {
        BOOTC, ZINCATI;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
