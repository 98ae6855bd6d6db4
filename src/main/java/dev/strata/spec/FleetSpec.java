package dev.strata.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The desired state of a fleet: everything its spec files say, as values. */
public record FleetSpec(Fleet fleet, List<Stream> streams, List<Image> images, List<MachineGroup> groups) {
    public FleetSpec {
        streams = List.copyOf(streams);
        images = List.copyOf(images);
        groups = List.copyOf(groups);
    }

    public Optional<Stream> stream(String name) {
        return streams.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<Image> image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Optional<MachineGroup> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** Name-indexed views, for callers that look up many names. */
    public static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> out = new LinkedHashMap<>();
        for (T t : items) out.putIfAbsent(name.apply(t), t);
        return Collections.unmodifiableMap(out);
    }
}
