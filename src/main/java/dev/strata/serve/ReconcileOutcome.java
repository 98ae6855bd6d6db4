package dev.strata.serve;

import java.util.Objects;

/** What one reconcile ended with, and one line a person reads in the log. */
public record ReconcileOutcome(Result result, String summary) {
    public enum Result {
        /** Ran to the end; whatever it applied succeeded (possibly nothing). */
        OK,
        /** Something failed; the summary says what. */
        FAILED,
        /** Did not run, e.g. another run held the run lock; not a failure. */
        SKIPPED;

        /** The metrics label. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ReconcileOutcome {
        Objects.requireNonNull(result);
        summary = summary == null ? "" : summary.replaceAll("[\\r\\n]+", " ").strip();
    }

    public static ReconcileOutcome ok(String summary) {
        return new ReconcileOutcome(Result.OK, summary);
    }

    public static ReconcileOutcome failed(String summary) {
        return new ReconcileOutcome(Result.FAILED, summary);
    }

    public static ReconcileOutcome skipped(String summary) {
        return new ReconcileOutcome(Result.SKIPPED, summary);
    }
}
