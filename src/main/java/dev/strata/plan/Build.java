package dev.strata.plan;

import java.time.Instant;
import java.util.Optional;

/**
 * A pushed image: the inputs it was built from, the digest it got, its base, the commit and time.
 * {@code created} and {@code version} are the image's own created time and version label, when the
 * builder knows them (records made before they were kept have neither); a zincati group's releases
 * need both.
 */
public record Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                    String baseDigest, Optional<String> baseVersion, Instant builtAt, Optional<Instant> created,
                    Optional<String> version) {
    public Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                 String baseDigest, Optional<String> baseVersion, Instant builtAt) {
        this(image, inputsDigest, imageDigest, reference, commit, baseDigest, baseVersion, builtAt, Optional.empty(),
                Optional.empty());
    }
}
