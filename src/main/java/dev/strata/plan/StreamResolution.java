package dev.strata.plan;

import java.util.Optional;

/**
 * What a stream resolved to for this run: a digest, the version when known, and where the answer
 * came from (a pin in the spec, the registry, or the last recorded digest when offline).
 */
public record StreamResolution(String stream, String digest, Optional<String> version, Source source) {
    public enum Source { PIN, REGISTRY, RECORDED }
}
