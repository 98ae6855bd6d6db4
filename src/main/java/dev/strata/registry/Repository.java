package dev.strata.registry;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;

import java.util.Locale;
import java.util.Set;

/**
 * A repository on a registry, as a registry client addresses it. {@code registry} is the host (and
 * port) requests go to; {@link #name()} is how people write it, with Docker Hub as {@code docker.io}.
 */
public record Repository(String registry, String path) {
    private static final String DOCKER_HUB = "registry-1.docker.io";
    private static final Set<String> DOCKER_HUB_NAMES = Set.of("docker.io", "index.docker.io", DOCKER_HUB);

    /**
     * Reads {@code [registry/]path} the way container tools do: no registry means Docker Hub, and a
     * one-segment Docker Hub path is under {@code library/}.
     *
     * @throws IllegalArgumentException when it is not a repository (it carries a tag or a digest, or does not parse)
     */
    public static Repository parse(String repository) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(repository);
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("'" + repository + "' is not an image repository");
        }
        if (ref.getDigest().isPresent() || ref.getTag().filter(t -> repository.endsWith(":" + t)).isPresent()) {
            throw new IllegalArgumentException("'" + repository + "' is a repository with a tag or digest;"
                    + " give the repository alone");
        }
        return new Repository(ref.getRegistry(), ref.getRepository());
    }

    /** {@code registry/path}, with Docker Hub written {@code docker.io}: what mirror rules and messages use. */
    public String name() {
        return host() + "/" + path;
    }

    /** The registry as people write it: Docker Hub is {@code docker.io}. */
    public String host() {
        return DOCKER_HUB_NAMES.contains(registry.toLowerCase(Locale.ROOT)) ? "docker.io" : registry;
    }

    /** {@code registry/path:tag}. */
    public String withTag(String tag) {
        return name() + ":" + tag;
    }

    @Override
    public String toString() {
        return name();
    }
}
