package dev.strata.spec;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One step of a rollout. Its members are named machines, machines matching a label selector, or a
 * cumulative share of the group ({@code percent}: the first N% of machines in the group's order).
 * {@code successThreshold} is the share of its machines that must succeed before the next wave opens.
 */
public record Wave(String name, List<String> machines, Map<String, String> selector, OptionalInt percent,
                   int successThreshold) {
    public Wave {
        machines = List.copyOf(machines);
        selector = Maps.sortedCopy(selector);
    }
}
