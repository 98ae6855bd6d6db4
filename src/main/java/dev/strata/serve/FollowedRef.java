package dev.strata.serve;

import java.io.IOException;
import java.util.Optional;

/** The Git ref serve reconciles, as a push webhook names it: only a push to it triggers a reconcile. */
@FunctionalInterface
public interface FollowedRef {
    /**
     * Its full name now ({@code refs/heads/main}); empty when serve follows a commit, which no push moves.
     *
     * @throws IOException when the repository cannot be read; the push then triggers a reconcile, which reports why
     */
    Optional<String> name() throws IOException;

    static FollowedRef of(String name) {
        return () -> Optional.of(name);
    }
}
