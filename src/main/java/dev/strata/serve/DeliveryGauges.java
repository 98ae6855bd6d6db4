package dev.strata.serve;

import java.util.Map;
import java.util.TreeMap;

/** What delivery knows that /metrics shows: FleetLock holders and unknown machine ids. */
@FunctionalInterface
public interface DeliveryGauges {
    Snapshot read();

    record Snapshot(Map<String, Integer> holders, Map<String, Integer> failedHolders, long unknownMachines) {
        public Snapshot {
            holders = new TreeMap<>(holders);
            failedHolders = new TreeMap<>(failedHolders);
        }
    }
}
