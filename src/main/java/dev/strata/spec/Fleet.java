package dev.strata.spec;

import java.util.List;
import java.util.Optional;

/**
 * Fleet-wide settings. {@code registry} is where derived images are pushed ({@code <registry>/<image>});
 * empty means no registry is configured and builds go to a local OCI archive.
 */
public record Fleet(String name, Optional<String> registry, List<String> insecureRegistries, List<Mirror> mirrors,
                    Origin origin) {
    public Fleet {
        registry = registry == null ? Optional.empty() : registry;
        insecureRegistries = List.copyOf(insecureRegistries);
        mirrors = List.copyOf(mirrors);
    }

    /** Pull {@code from} (a registry host or repository prefix) through {@code to}. */
    public record Mirror(String from, String to) {
    }
}
