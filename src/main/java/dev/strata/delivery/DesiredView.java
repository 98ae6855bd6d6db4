package dev.strata.delivery;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What delivery serves from: the validated fleet of the last reconciled revision, and the repository
 * each image is pushed to ({@code <registry>/<image name>}, by image name). An image has no repository
 * when no registry is configured (builds went to OCI archives, which machines cannot pull).
 * {@code serve} and {@code reconcile} make one after each reconcile; delivery indexes it once per view.
 */
public record DesiredView(String revision, FleetSpec fleet, Map<String, String> repositories) {
    public DesiredView {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(fleet, "fleet");
        repositories = Map.copyOf(repositories);
    }

    /**
     * The view of {@code fleet} at {@code revision}, with images pushed to {@code registryOverride} (the run's
     * {@code --registry}) when given, else to the Fleet's {@code registry}.
     */
    public static DesiredView of(String revision, FleetSpec fleet, Optional<String> registryOverride) {
        Optional<String> registry = registryOverride.or(() -> fleet.fleet().registry())
                .map(r -> r.replaceAll("/+$", "")).filter(r -> !r.isEmpty());
        Map<String, String> repositories = new HashMap<>();
        registry.ifPresent(r -> {
            for (Image image : fleet.images()) repositories.put(image.name(), r + "/" + image.name());
        });
        return new DesiredView(revision, fleet, repositories);
    }

    public Optional<String> repository(String image) {
        return Optional.ofNullable(repositories.get(image));
    }
}
