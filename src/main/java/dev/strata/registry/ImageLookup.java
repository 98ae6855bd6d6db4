package dev.strata.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a registry about one image by tag or digest: its manifest digest, created time and labels. For
 * builds: the base's created time and labels, and whether an image is already pushed. Credentials,
 * insecure registries and retries work as for stream resolution.
 */
public final class ImageLookup implements AutoCloseable {
    /**
     * An image as its registry describes it; {@code created} and {@code labels} come from its config,
     * {@code layers} from its manifest (for an index, the linux/amd64 image's); empty when unreadable.
     * {@code platforms} maps {@code os/arch} to the platform's manifest digest when the digest names an
     * index, and is empty otherwise.
     */
    public record Image(String digest, Optional<String> version, Optional<Instant> created, Map<String, String> labels,
                        List<Layer> layers, Map<String, String> platforms) {
        public Image {
            labels = Map.copyOf(labels);
            layers = List.copyOf(layers);
            platforms = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(platforms));
        }

        /**
         * The manifest digest of {@code platform} ({@code os/arch[/variant]}) in this index; a variant the
         * index does not tell apart matches its architecture.
         */
        public Optional<String> platform(String platform) {
            String exact = platforms.get(platform);
            if (exact != null) return Optional.of(exact);
            String[] p = platform.split("/");
            return p.length > 2 ? Optional.ofNullable(platforms.get(p[0] + "/" + p[1])) : Optional.empty();
        }
    }

    /** A layer blob: its digest and compressed size. */
    public record Layer(String digest, long size) {
    }

    private final ManifestLookup lookup;
    private final Retry retry;

    public ImageLookup(Credentials credentials, Retry retry) {
        this.lookup = new ManifestLookup(credentials);
        this.retry = retry;
    }

    /** A lookup on a run's shared connections; closing it leaves them open. */
    public ImageLookup(Credentials credentials, Retry retry, Connections connections) {
        this.lookup = new ManifestLookup(credentials, connections);
        this.retry = retry;
    }

    /**
     * The image {@code tagOrDigest} names in {@code repository}; empty when the registry says it does not exist.
     *
     * @throws RegistryFailure when the registry cannot be asked (unreachable, refused, an error after retries);
     *     the message names the registry and repository
     */
    public Optional<Image> find(Repository repository, String tagOrDigest, boolean insecure) throws RegistryFailure {
        try {
            ManifestLookup.Found f = retry.run(() -> lookup.lookup(repository, tagOrDigest, insecure));
            return Optional.of(new Image(f.digest(), f.version(), f.created(), f.labels(), f.layers(), f.platforms()));
        } catch (RegistryFailure failure) {
            if (failure.reason() == Resolution.Reason.NOT_FOUND) return Optional.empty();
            throw failure;
        }
    }

    @Override
    public void close() {
        lookup.close();
    }
}
