package dev.strata.plan;

import java.time.Instant;
import java.util.Optional;

/** A pushed image: the inputs it was built from, the digest it got, its base, the commit and time. */
public record Build(String image, String inputsDigest, String imageDigest, String reference, String commit,
                    String baseDigest, Optional<String> baseVersion, Instant builtAt) {
}
