package dev.strata.registry;

import dev.strata.plan.StreamResolution;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Every stream of a run and what became of it, sorted by stream name. */
public record Resolutions(SortedMap<String, Resolution> byStream) {
    public Resolutions {
        byStream = Collections.unmodifiableSortedMap(new TreeMap<>(byStream));
    }

    public Optional<Resolution> get(String stream) {
        return Optional.ofNullable(byStream.get(stream));
    }

    /** The streams that resolved, as the planner reads them. */
    public Map<String, StreamResolution> resolved() {
        Map<String, StreamResolution> out = new TreeMap<>();
        for (Resolution r : byStream.values()) {
            if (r instanceof Resolution.Resolved ok) out.put(ok.stream(), ok.resolution());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The streams that failed, in stream order. */
    public List<Resolution.Failed> failures() {
        return byStream.values().stream().filter(Resolution.Failed.class::isInstance)
                .map(Resolution.Failed.class::cast).toList();
    }

    public boolean allResolved() {
        return failures().isEmpty();
    }
}
