package dev.strata.serve;

/** What the server tells its operator (the CLI logs it to stderr). Never given a token or a secret. */
public interface ServeListener {
    /** A request failed inside the server; the client got 500 {@code internal_error} without details. */
    void internalError(String route, Exception error);

    /** A reconcile finished (one line in the log). */
    default void reconciled(ReconcileRun run) {
    }

    /** Shutdown gave up waiting for requests still in flight after the grace period. */
    default void abandoned(int requests) {
    }

    ServeListener SILENT = (route, error) -> {
    };
}
