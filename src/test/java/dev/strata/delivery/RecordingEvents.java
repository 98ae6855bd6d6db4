package dev.strata.delivery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Delivery's events as lines, for assertions. */
final class RecordingEvents implements DeliveryEvents {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void storeFailed(Throwable failure) {
        lines.add("store failed: " + failure.getMessage());
    }

    @Override
    public void holderFailed(String group, String machineId, String why) {
        lines.add("holder failed: " + group + " " + machineId);
    }

    @Override
    public void unorderedRollback(String group, String machineId, String why) {
        lines.add("unordered rollback: " + group + " " + machineId + ": " + why);
    }
}
