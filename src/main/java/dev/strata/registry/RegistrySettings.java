package dev.strata.registry;

import dev.strata.spec.Fleet;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * How registries are reached in one run: the mirrors, and the registries that may be reached without
 * verified TLS (the Fleet's {@code insecureRegistries} plus {@code --insecure-registry}). Every other
 * registry is reached over verified HTTPS only; nothing falls back to plain HTTP silently.
 */
public record RegistrySettings(Mirrors mirrors, Set<String> insecureRegistries) {
    public RegistrySettings {
        TreeSet<String> hosts = new TreeSet<>();
        insecureRegistries.forEach(h -> hosts.add(h.strip().toLowerCase(Locale.ROOT)));
        insecureRegistries = Collections.unmodifiableSet(hosts);
    }

    public static RegistrySettings of(Fleet fleet, List<Fleet.Mirror> runMirrors, List<String> runInsecure) {
        Set<String> insecure = new TreeSet<>(fleet.insecureRegistries());
        insecure.addAll(runInsecure);
        return new RegistrySettings(Mirrors.of(fleet.mirrors(), runMirrors), insecure);
    }

    /** True when {@code repository}'s registry (host, or host:port, exactly as listed) may use plain HTTP. */
    public boolean insecure(Repository repository) {
        return insecureRegistries.contains(repository.host().toLowerCase(Locale.ROOT))
                || insecureRegistries.contains(repository.registry().toLowerCase(Locale.ROOT));
    }
}
