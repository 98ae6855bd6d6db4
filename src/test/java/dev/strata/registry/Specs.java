package dev.strata.registry;

import dev.strata.spec.Fleet;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;

import java.util.List;
import java.util.Optional;

/** Small spec records for registry tests. */
final class Specs {
    private Specs() {
    }

    static Stream followed(String name, String image, String tag) {
        return new Stream(name, image, Optional.of(tag), Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), new Origin("streams/" + name + ".yaml", 0));
    }

    static Stream pinned(String name, String image, String digest, String version) {
        return new Stream(name, image, Optional.of("stable"), Optional.of(digest), Optional.of(version), List.of(),
                List.of(), Optional.empty(), new Origin("streams/" + name + ".yaml", 0));
    }

    static Fleet fleet(List<String> insecure, List<Fleet.Mirror> mirrors) {
        return new Fleet("test", Optional.empty(), insecure, mirrors, new Origin("fleet.yaml", 0));
    }

    /** A fleet that may reach {@code host} over plain HTTP. */
    static Fleet insecure(String host) {
        return fleet(List.of(host), List.of());
    }
}
