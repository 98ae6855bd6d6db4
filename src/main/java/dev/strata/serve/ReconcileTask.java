package dev.strata.serve;

/**
 * One reconcile: fetch, plan, apply, under the run lock. The CLI wires the real one; serve only
 * schedules it, never runs two at once, and reports what it returned.
 */
@FunctionalInterface
public interface ReconcileTask {
    /** Runs once; an exception is a failed run, reported with its message. */
    ReconcileOutcome run() throws Exception;
}
