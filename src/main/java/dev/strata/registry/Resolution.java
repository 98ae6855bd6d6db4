package dev.strata.registry;

import dev.strata.plan.StreamResolution;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What became of one stream in a run: resolved to a digest, or failed with a message a person can act
 * on. Failures are values: one stream failing never stops the others from resolving.
 */
public sealed interface Resolution {

    /** The stream's name. */
    String stream();

    /**
     * The stream's digest. {@code from} says where the answer came from: the repository and tag that
     * was asked (after mirrors), the pinned reference, or the state store. {@code platforms} maps
     * {@code os/architecture} to the platform's manifest digest when the tag names a multi-platform
     * index; it is empty otherwise.
     */
    record Resolved(StreamResolution resolution, String from, Map<String, String> platforms) implements Resolution {
        public Resolved {
            Objects.requireNonNull(resolution, "resolution");
            Objects.requireNonNull(from, "from");
            platforms = Collections.unmodifiableMap(new TreeMap<>(platforms));
        }

        @Override
        public String stream() {
            return resolution.stream();
        }
    }

    /**
     * The stream could not be resolved. {@code reference} is what was asked ({@code registry/repository:tag},
     * after mirrors); the message names the registry and repository, says what went wrong and what to
     * do, and never carries a credential.
     */
    record Failed(String stream, String reference, Reason reason, String message) implements Resolution {
        public Failed {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a stream failed to resolve. */
    enum Reason {
        /** The stream cannot be asked for: no tag, or an image that does not parse. */
        INVALID,
        /** Offline, and nothing was recorded for the stream. */
        NOT_RECORDED,
        /** The registry could not be reached (connection refused, timed out, unknown host), after retries. */
        UNREACHABLE,
        /** No verified HTTPS connection, and the registry is not listed as insecure. */
        INSECURE,
        /** The credentials could not be read (a broken auth file or credential helper). */
        CREDENTIALS,
        /** The registry refused access (401 or 403), with or without credentials. */
        UNAUTHORIZED,
        /** The repository or tag does not exist. */
        NOT_FOUND,
        /** The registry answered with an error (5xx after retries, or a manifest Strata cannot read). */
        REGISTRY_ERROR
    }
}
