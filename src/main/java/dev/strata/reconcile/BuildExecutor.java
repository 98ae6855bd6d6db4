package dev.strata.reconcile;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.Packages;

import java.util.Optional;

/** Carries out a BUILD action: builds and pushes the image, and says what was pushed. */
@FunctionalInterface
public interface BuildExecutor {
    Build build(Action.BuildImage action, Desired desired) throws Exception;

    /**
     * The package list read while making {@code built}, recorded with it (docs/packages.md); empty when the
     * builder read none (no containerfile layer, no package database, no rpm on the build host).
     */
    default Optional<Packages> packages(Build built) {
        return Optional.empty();
    }

    /** Makes the executor for one revision: it reads carried files from that revision's tree. */
    @FunctionalInterface
    interface Factory {
        BuildExecutor forRevision(Revision revision, dev.strata.spec.FleetSpec fleet);
    }
}
