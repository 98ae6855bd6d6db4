package dev.strata.serve;

import java.time.Duration;
import java.time.Instant;

/** One finished reconcile: why it ran ({@code startup}, {@code interval}, {@code webhook}), when, how long, and how it ended. */
public record ReconcileRun(String trigger, Instant started, Duration took, ReconcileOutcome outcome) {
}
