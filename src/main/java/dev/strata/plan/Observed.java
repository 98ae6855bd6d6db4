package dev.strata.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner knows about the world, as values: what each stream resolved to, which
 * images are built (keyed by inputs digest), the inputs each image was last built from (by image
 * name; in a pull-request preview, the base revision's), where each group's rollout stands, and
 * what each machine last reported, and each zincati group's releases (oldest first). The state store
 * and the registry produce it; the planner never reads anything else.
 */
public record Observed(Map<String, StreamResolution> streams, Map<String, Build> builds,
                       Map<String, InputsDigest> previousInputs, Map<String, GroupState> groups,
                       Map<String, MachineState> machines, Map<String, List<Release>> releases) {
    public Observed {
        releases = releases.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        previousInputs = Map.copyOf(previousInputs);
        streams = Map.copyOf(streams);
        builds = Map.copyOf(builds);
        groups = Map.copyOf(groups);
        machines = Map.copyOf(machines);
    }

    /** No releases: for fleets without zincati groups, and for previews. */
    public Observed(Map<String, StreamResolution> streams, Map<String, Build> builds,
                    Map<String, InputsDigest> previousInputs, Map<String, GroupState> groups,
                    Map<String, MachineState> machines) {
        this(streams, builds, previousInputs, groups, machines, Map.of());
    }

    public static Observed empty() {
        return new Observed(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** A group's releases, oldest first; empty for a group that has none (and for bootc groups). */
    public List<Release> releases(String group) {
        return releases.getOrDefault(group, List.of());
    }

    /** The build of an inputs digest, if one was pushed. */
    public Optional<Build> build(String inputsDigest) {
        return Optional.ofNullable(builds.get(inputsDigest));
    }

    public Optional<GroupState> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public Optional<MachineState> machine(String id) {
        return Optional.ofNullable(machines.get(id));
    }
}
