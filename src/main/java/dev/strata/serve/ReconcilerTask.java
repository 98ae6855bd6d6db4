package dev.strata.serve;

import dev.strata.reconcile.Applier;
import dev.strata.reconcile.ReconcileResult;
import dev.strata.reconcile.Reconciler;

import java.time.Clock;
import java.util.List;

/** The real reconcile for the loop: one {@link Reconciler} run, told as one log line. */
final class ReconcilerTask implements ReconcileTask {
    private final Reconciler reconciler;
    private final Clock clock;
    private final Runnable after;

    /** @param after runs after each reconcile (delivery marks overdue lock holders), even a failed one */
    ReconcilerTask(Reconciler reconciler, Clock clock, Runnable after) {
        this.reconciler = reconciler;
        this.clock = clock;
        this.after = after;
    }

    @Override
    public ReconcileOutcome run() {
        try {
            return outcome(reconciler.reconcile(clock.instant(), Applier.Listener.NONE));
        } finally {
            after.run();
        }
    }

    static ReconcileOutcome outcome(ReconcileResult result) {
        if (result instanceof ReconcileResult.Reconciled r) {
            List<Applier.Step> failed = r.steps().stream().filter(s -> !s.ok()).toList();
            long applied = r.steps().size() - failed.size();
            String at = "at " + shortRevision(r.revision()) + ": ";
            String halted = r.halted() ? "; a group is halted by its failure policy (strata status)" : "";
            if (!failed.isEmpty()) {
                return ReconcileOutcome.failed(at + applied + " applied, " + failed.size() + " failed; first: "
                        + failed.get(0).line() + halted);
            }
            return ReconcileOutcome.ok(at + (applied == 0 ? "no changes" : applied + " applied") + halted);
        }
        if (result instanceof ReconcileResult.Invalid i) {
            return ReconcileOutcome.failed("specs at " + shortRevision(i.revision()) + " are invalid ("
                    + i.validation().errors() + " errors; strata validate shows them); "
                    + i.inForce().map(f -> "still following " + shortRevision(f)).orElse("no valid revision yet"));
        }
        if (result instanceof ReconcileResult.Locked l) {
            return ReconcileOutcome.skipped(l.message());
        }
        ReconcileResult.Failed f = (ReconcileResult.Failed) result;
        return ReconcileOutcome.failed(f.stage().name().toLowerCase(java.util.Locale.ROOT) + " failed"
                + f.revision().map(r -> " at " + shortRevision(r)).orElse("") + ": " + f.message());
    }

    private static String shortRevision(String revision) {
        return revision.length() > 12 ? revision.substring(0, 12) : revision;
    }
}
