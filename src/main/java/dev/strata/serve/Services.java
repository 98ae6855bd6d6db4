package dev.strata.serve;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DeliveryStats;
import dev.strata.delivery.FleetLock;
import dev.strata.delivery.GraphEndpoint;
import dev.strata.delivery.MachineEndpoints;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the server serves: delivery's FleetLock and machine endpoints, Zincati's update graph, a health
 * check, delivery's numbers for /metrics, and the reconcile loop that the webhook triggers (absent: no reconciles).
 */
public record Services(FleetLock fleetLock, MachineEndpoints machines, HealthCheck health, Supplier<DeliveryStats> stats,
                       Optional<ReconcileLoop> reconciles, Optional<WebhookSecret> webhook, FollowedRef followed,
                       GraphEndpoint graph) {
    /** Serves no webhook, so follows no ref. */
    private static final FollowedRef NO_REF = Optional::empty;

    public Services {
        Objects.requireNonNull(graph);
        Objects.requireNonNull(fleetLock);
        Objects.requireNonNull(machines);
        Objects.requireNonNull(health);
        Objects.requireNonNull(stats);
        Objects.requireNonNull(reconciles);
        Objects.requireNonNull(webhook);
        Objects.requireNonNull(followed);
    }

    /** Delivery's endpoints and numbers, with a health check and the reconcile loop if any; no webhook. */
    public static Services of(Delivery delivery, HealthCheck health, Optional<ReconcileLoop> reconciles) {
        return new Services(delivery.fleetLock(), delivery.machines(), health, delivery::stats, reconciles, Optional.empty(),
                NO_REF, delivery.graph());
    }

    /** The same with the Git webhook: pushes signed with {@code webhook} to the {@code followed} ref trigger a reconcile. */
    public static Services of(Delivery delivery, HealthCheck health, ReconcileLoop reconciles, WebhookSecret webhook,
                              FollowedRef followed) {
        return new Services(delivery.fleetLock(), delivery.machines(), health, delivery::stats, Optional.of(reconciles),
                Optional.of(webhook), followed, delivery.graph());
    }

    /** {@code GET /healthz}: returns when healthy, throws saying what is not. */
    @FunctionalInterface
    public interface HealthCheck {
        void check() throws Exception;
    }
}
