package dev.strata.serve;

import java.util.Map;
import java.util.Optional;

/** The reconcile loop in /metrics: runs by result, and the last run's time, duration and result. */
final class ReconcileMetrics {
    private ReconcileMetrics() {
    }

    static void render(PrometheusText text, ReconcileLoop loop) {
        Map<ReconcileOutcome.Result, Long> counts = loop.counts();
        Optional<ReconcileRun> last = loop.last();
        text.family("strata_reconcile_runs_total", "counter", "Reconciles finished, by result (ok, failed, skipped).");
        counts.forEach((result, n) -> text.sample("strata_reconcile_runs_total", n, "result", result.label()));
        text.family("strata_reconcile_running", "gauge", "1 while a reconcile runs.");
        text.sample("strata_reconcile_running", loop.running() ? 1 : 0);
        if (last.isEmpty()) return;
        ReconcileRun run = last.get();
        text.family("strata_reconcile_last_start_timestamp_seconds", "gauge", "When the last finished reconcile started (Unix time).");
        text.sample("strata_reconcile_last_start_timestamp_seconds", run.started().toEpochMilli() / 1000.0);
        text.family("strata_reconcile_last_duration_seconds", "gauge", "How long the last finished reconcile took.");
        text.sample("strata_reconcile_last_duration_seconds", run.took().toNanos() / 1e9);
        text.family("strata_reconcile_last_result", "gauge", "1 for the result of the last finished reconcile, 0 for the others.");
        for (ReconcileOutcome.Result r : ReconcileOutcome.Result.values()) {
            text.sample("strata_reconcile_last_result", r == run.outcome().result() ? 1 : 0, "result", r.label());
        }
    }
}
