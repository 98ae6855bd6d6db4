package dev.strata.plan;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pushed image: the inputs it was built from, the digest it got, its base, the commit and time.
 * {@code created} and {@code version} are the image's own created time and version label, when the
 * builder knows them (records made before they were kept have neither); a zincati group's releases
 * need both. For a multi-arch image {@code imageDigest} is the index digest and {@code platforms} maps each
 * platform ({@code os/arch[/variant]}) to its manifest digest, the digest a machine of that platform boots;
 * it is empty for a single-platform image.
 */
public record Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                    String baseDigest, Optional<String> baseVersion, Instant builtAt, Optional<Instant> created,
                    Optional<String> version, Map<String, String> platforms) {
    public Build {
        platforms = Collections.unmodifiableMap(new TreeMap<>(platforms));
    }

    public Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                 String baseDigest, Optional<String> baseVersion, Instant builtAt, Optional<Instant> created,
                 Optional<String> version) {
        this(image, inputsDigest, imageDigest, reference, commit, baseDigest, baseVersion, builtAt, created, version, Map.of());
    }

    public Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                 String baseDigest, Optional<String> baseVersion, Instant builtAt) {
        this(image, inputsDigest, imageDigest, reference, commit, baseDigest, baseVersion, builtAt, Optional.empty(),
                Optional.empty());
    }

    /**
     * The digest a machine of {@code platform} runs for this image: its platform's manifest for a multi-arch
     * image, else the image digest. Empty when the index has no manifest for that platform.
     */
    public Optional<String> digestFor(String platform) {
        return platforms.isEmpty() ? Optional.of(imageDigest) : Optional.ofNullable(platforms.get(platform));
    }

    /** The repository part of {@code reference} ({@code <registry>/<repo>}), when it is in a registry. */
    public Optional<String> repository() {
        int at = reference.indexOf('@');
        return at < 0 || reference.startsWith("oci-archive:") ? Optional.empty() : Optional.of(reference.substring(0, at));
    }
}
