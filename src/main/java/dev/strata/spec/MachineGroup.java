package dev.strata.spec;

import java.util.List;

/** Machines that run one image, delivered one way, rolled out by one policy. */
public record MachineGroup(String name, String image, Delivery delivery, List<Machine> machines, Rollout rollout,
                           Origin origin) {
    public MachineGroup {
        machines = List.copyOf(machines);
    }

    public enum Delivery {
        BOOTC, ZINCATI;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
