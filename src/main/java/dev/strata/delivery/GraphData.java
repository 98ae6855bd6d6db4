package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.state.StateReader;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the graph reads from the state, read once per change (a new reconciled view, or a write by another
 * process) rather than once per poll: each group's releases, the release each machine was released for,
 * and an index of payloads. Rendered graphs are cached here, per group, basearch and release gate, so they
 * live exactly as long as the state they were rendered from.
 */
final class GraphData {
    final Object view;
    final long externalVersion;
    final long loadedAtNanos;
    private final Map<String, List<Release>> releases;
    private final Map<String, String> releasedDigest;
    private final Map<String, Map<String, Release>> byPayload = new HashMap<>();
    private final Map<String, String> rendered = new ConcurrentHashMap<>();

    private GraphData(Object view, long externalVersion, long loadedAtNanos, Map<String, List<Release>> releases,
                      Map<String, String> releasedDigest) {
        this.view = view;
        this.externalVersion = externalVersion;
        this.loadedAtNanos = loadedAtNanos;
        this.releases = releases;
        this.releasedDigest = releasedDigest;
        releases.forEach((group, list) -> {
            Map<String, Release> index = new HashMap<>();
            for (Release r : list) r.payloads().values().forEach(p -> index.put(p, r));
            byPayload.put(group, index);
        });
    }

    static GraphData load(StateReader r, Object view, long externalVersion, long nowNanos) {
        Map<String, List<Release>> releases = r.releases();
        Map<String, String> released = new HashMap<>();
        for (MachineState m : r.machines().values()) m.releasedDigest().ifPresent(d -> released.put(m.id(), d));
        return new GraphData(view, externalVersion, nowNanos, releases, released);
    }

    List<Release> releases(String group) {
        return releases.getOrDefault(group, List.of());
    }

    /** The age index of the release the planner released the machine for, if any. */
    Optional<Long> gate(String group, String machineId) {
        String digest = releasedDigest.get(machineId);
        if (digest == null) return Optional.empty();
        return releases(group).stream().filter(r -> r.imageDigest().equals(digest)).map(Release::ageIndex)
                .max(Long::compare);
    }

    /** The release whose payload (for any basearch) is exactly {@code payload}. */
    Optional<Release> release(String group, String payload) {
        return Optional.ofNullable(byPayload.getOrDefault(group, Map.of()).get(payload));
    }

    String rendered(String key, java.util.function.Supplier<String> render) {
        return rendered.computeIfAbsent(key, k -> render.get());
    }
}
