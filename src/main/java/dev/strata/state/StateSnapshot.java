package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.Observed;
import dev.strata.plan.Release;
import dev.strata.plan.StreamResolution;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything in the store, read in one transaction, with the fingerprint of exactly that state, so a
 * plan made from it carries a fingerprint that matches what it saw.
 */
public record StateSnapshot(Map<String, Build> builds, Map<String, GroupState> groups, List<WaveProgress> waves,
                            List<Approval> approvals, Map<String, MachineState> machines,
                            Map<String, RecordedStream> streams, Map<String, InputsDigest> inputs, String fingerprint,
                            Map<String, List<Release>> releases) {
    public StateSnapshot {
        releases = sorted(releases.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
        builds = sorted(builds);
        groups = sorted(groups);
        waves = List.copyOf(waves);
        approvals = List.copyOf(approvals);
        machines = sorted(machines);
        streams = sorted(streams);
        inputs = sorted(inputs);
    }

    /** A snapshot without releases (a store with no zincati group, or tests). */
    public StateSnapshot(Map<String, Build> builds, Map<String, GroupState> groups, List<WaveProgress> waves,
                         List<Approval> approvals, Map<String, MachineState> machines,
                         Map<String, RecordedStream> streams, Map<String, InputsDigest> inputs, String fingerprint) {
        this(builds, groups, waves, approvals, machines, streams, inputs, fingerprint, Map.of());
    }

    /** Reads everything through {@code reader}, which should be inside one transaction. */
    public static StateSnapshot of(StateReader reader) {
        Map<String, Build> builds = reader.builds();
        Map<String, GroupState> groups = reader.groups();
        List<WaveProgress> waves = reader.waves();
        List<Approval> approvals = reader.approvals();
        return new StateSnapshot(builds, groups, waves, approvals, reader.machines(), reader.recordedStreams(),
                reader.builtInputs(), StateFingerprint.of(builds, groups, waves, approvals), reader.releases());
    }

    /**
     * The planner's view: this state plus the streams as resolved for this run, and the inputs the
     * images were last built from (for explaining rebuilds; empty when unknown).
     */
    public Observed observed(Map<String, StreamResolution> resolvedStreams) {
        return observed(resolvedStreams, inputs);
    }

    /** As {@link #observed(Map)}, explaining rebuilds against {@code previousInputs} instead (previews). */
    public Observed observed(Map<String, StreamResolution> resolvedStreams, Map<String, InputsDigest> previousInputs) {
        return new Observed(resolvedStreams, builds, previousInputs, groups, machines, releases);
    }

    /** Sorted by key; a map that iterates in key order already (as the store reads it) is copied in one pass. */
    private static <V> Map<String, V> sorted(Map<String, V> map) {
        String last = null;
        for (String k : map.keySet()) {
            if (last != null && last.compareTo(k) >= 0) return Collections.unmodifiableMap(new TreeMap<>(map));
            last = k;
        }
        return Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
    }
}
