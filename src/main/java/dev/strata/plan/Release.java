package dev.strata.plan;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One release of a zincati group: a node of the update graph Zincati polls (docs/zincati.md). Releases
 * only move forward: {@code ageIndex} grows by one with each release of the group, and so does
 * {@code created}, because Zincati refuses a lower age index and rpm-ostree an older image.
 *
 * @param imageDigest the build's digest, the one plans and machine records name (for a multi-arch
 *     image, the index digest)
 * @param payloads per Zincati {@code basearch} (x86_64, aarch64, ...), {@code <registry>/<repo>@sha256:...}
 *     of that architecture's manifest, exactly as Zincati writes the booted image it compares against
 * @param version unique within the group: the image's {@code org.opencontainers.image.version} label,
 *     which Zincati checks against the staged deployment
 * @param barrier every machine on an older release must pass through this one (the reason, a URL or "generic")
 * @param deadEnd no machine is sent here any more (the reason); its own machines still move on
 */
public record Release(String group, long ageIndex, String version, String image, String inputsDigest,
                      String imageDigest, Map<String, String> payloads, Instant created, Instant publishedAt,
                      Optional<String> barrier, Optional<String> deadEnd) {
    public Release {
        if (ageIndex < 1) throw new IllegalArgumentException("a release's age index starts at 1 (0 is the stock base), got " + ageIndex);
        payloads = Collections.unmodifiableMap(new TreeMap<>(payloads));
    }

    public Release asDeadEnd(String reason) {
        return new Release(group, ageIndex, version, image, inputsDigest, imageDigest, payloads, created, publishedAt,
                barrier, Optional.of(reason));
    }

    /** The basearch this payload is served for, if it is one of this release's. */
    public Optional<String> archOf(String payload) {
        return payloads.entrySet().stream().filter(e -> e.getValue().equals(payload)).map(Map.Entry::getKey).findFirst();
    }
}
