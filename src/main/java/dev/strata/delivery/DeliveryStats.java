package dev.strata.delivery;

import java.util.Map;
import java.util.TreeMap;

/**
 * Delivery's numbers for {@code /metrics}: per group its reboot slots, holders and failed holders (marked,
 * or overdue now); unknown machine ids recorded; status reports accepted since start; replies by
 * endpoint and kind ({@code ok} for success); the group commits so far with the writes in them; and per
 * zincati group, machines whose last graph poll named a payload Strata never published for it.
 */
public record DeliveryStats(Map<String, GroupLocks> groups, long unknownMachines, long reportsAccepted,
                            Map<String, Map<String, Long>> replies, long commits, long committedWrites,
                            Map<String, Long> unknownPayloads) {
    public DeliveryStats {
        groups = java.util.Collections.unmodifiableMap(new TreeMap<>(groups));
        unknownPayloads = java.util.Collections.unmodifiableMap(new TreeMap<>(unknownPayloads));
        replies = java.util.Collections.unmodifiableMap(new TreeMap<>(replies));
    }

    public record GroupLocks(int slots, int holders, int failedHolders) {
    }
}
