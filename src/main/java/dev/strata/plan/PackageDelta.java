package dev.strata.plan;

import java.util.Optional;

/**
 * How the packages of an image's last build differ from the build of that image before it: both
 * digests, and the delta. {@code previousDigest} is empty for an image's first recorded package list
 * (then everything counts as added).
 */
public record PackageDelta(String image, Optional<String> previousDigest, String digest, Packages.Delta delta) {
    /** The delta of {@code latest} against {@code previous}, builds of {@code image}. */
    public static PackageDelta of(String image, Optional<Build> previous, Optional<Packages> previousPackages, Build latest,
                                  Packages latestPackages) {
        Packages before = previousPackages.orElse(new Packages(latestPackages.format(), java.util.List.of()));
        return new PackageDelta(image, previousPackages.isPresent() ? previous.map(Build::imageDigest) : Optional.empty(),
                latest.imageDigest(), Packages.delta(before, latestPackages));
    }
}
