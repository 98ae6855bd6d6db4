package dev.strata.state;

import dev.strata.plan.StreamResolution;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * The last digest a stream resolved to, where that answer came from, and when: what a run falls back
 * to when the registry cannot be reached.
 */
public record RecordedStream(String stream, String digest, Optional<String> version,
                             StreamResolution.Source resolvedFrom, Instant resolvedAt) {
    public RecordedStream {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(resolvedFrom, "resolvedFrom");
        resolvedAt = resolvedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** This record as a resolution for an offline run: its source is {@code RECORDED}. */
    public StreamResolution asResolution() {
        return new StreamResolution(stream, digest, version, StreamResolution.Source.RECORDED);
    }
}
