package dev.strata.serve;

import dev.strata.delivery.DesiredView;
import dev.strata.reconcile.Reconciler;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Delivery's view of the fleet: the revision the reconciler has in force, with the registry its
 * images go to. One view object per revision, because delivery re-indexes whenever the object changes
 * and asks on every request.
 */
final class Views implements Supplier<Optional<DesiredView>> {
    private final Supplier<Optional<Reconciler.InForce>> inForce;
    private final Optional<String> registryOverride;
    private Reconciler.InForce lastInForce;
    private Optional<DesiredView> lastView = Optional.empty();

    Views(Supplier<Optional<Reconciler.InForce>> inForce, Optional<String> registryOverride) {
        this.inForce = inForce;
        this.registryOverride = registryOverride;
    }

    @Override
    public synchronized Optional<DesiredView> get() {
        Optional<Reconciler.InForce> now = inForce.get();
        if (now.isEmpty()) return Optional.empty();
        if (now.get() != lastInForce) {
            lastInForce = now.get();
            lastView = Optional.of(DesiredView.of(lastInForce.revision(), lastInForce.fleet(), registryOverride));
        }
        return lastView;
    }
}
