package dev.strata.reconcile;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;

/** Carries out a BUILD action: builds and pushes the image, and says what was pushed. */
@FunctionalInterface
public interface BuildExecutor {
    Build build(Action.BuildImage action, Desired desired) throws Exception;

    /** Makes the executor for one revision: it reads carried files from that revision's tree. */
    @FunctionalInterface
    interface Factory {
        BuildExecutor forRevision(Revision revision, dev.strata.spec.FleetSpec fleet);
    }
}
