package dev.strata.reconcile;

import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.validate.Validation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one reconcile came to, a closed set, each with what a person needs to act on it: the plan was
 * carried out (some of its steps may have failed), the specs at the revision are invalid, another run
 * holds the run lock, or a step before planning failed. {@code startedAt} is the time the run planned
 * for; {@code took} how long it ran.
 */
public sealed interface ReconcileResult {
    Instant startedAt();

    Duration took();

    /**
     * The specs at {@code revision} were planned and every state-changing action of the plan was carried
     * out or failed ({@code steps}, builds first). Waits, holds and no-ops are in the plan only.
     */
    record Reconciled(String revision, Plan plan, List<Applier.Step> steps, List<String> notes, Instant startedAt,
                      Duration took) implements ReconcileResult {
        public Reconciled {
            steps = List.copyOf(steps);
            notes = List.copyOf(notes);
        }

        /** At least one action failed (a build whose base could not be pulled, a refused push). */
        public boolean failed() {
            return steps.stream().anyMatch(s -> !s.ok());
        }

        /** Something was built, promoted or rolled back. */
        public boolean changed() {
            return steps.stream().anyMatch(s -> s.ok() && (s.action() instanceof Action.BuildImage
                    || s.action() instanceof Action.Promote || s.action() instanceof Action.Rollback));
        }

        /** A group is halted by its failure policy: a person must look. */
        public boolean halted() {
            return plan.actions().stream().anyMatch(a -> a instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY);
        }

        /** The step for {@code action}, when it was carried out or failed. */
        public Optional<Applier.Step> step(Action action) {
            return steps.stream().filter(s -> s.action().equals(action)).findFirst();
        }
    }

    /**
     * The specs at {@code revision} do not validate: nothing was planned or changed. {@code inForce} is the
     * last revision that validated in this process, which delivery keeps working from.
     */
    record Invalid(String revision, Validation validation, Optional<String> inForce, Instant startedAt, Duration took)
            implements ReconcileResult {
    }

    /** Another run holds the run lock, and it did not come free in time; the message names the holder. */
    record Locked(String message, Instant startedAt, Duration took) implements ReconcileResult {
    }

    /** A step before the plan was carried out failed; nothing was changed. {@code revision} when it was known. */
    record Failed(Stage stage, String message, Optional<String> revision, Instant startedAt, Duration took)
            implements ReconcileResult {
    }

    /** Where a {@link Failed} run stopped. */
    enum Stage {
        /** Fetching a remote repository. */
        FETCH,
        /** Reading the ref, the fleet folder or a file the specs carry. */
        READ,
        /** The state store could not be read or written. */
        STATE,
        /** The plan went stale twice while it was applied (another writer changed the rollout state). */
        APPLY
    }
}
