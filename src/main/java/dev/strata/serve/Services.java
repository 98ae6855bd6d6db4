package dev.strata.serve;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DeliveryStats;
import dev.strata.delivery.FleetLock;
import dev.strata.delivery.GraphEndpoint;
import dev.strata.delivery.Reply;
import dev.strata.delivery.MachineEndpoints;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the server serves: delivery's FleetLock and machine endpoints, Zincati's update graph, a health
 * check, delivery's numbers for /metrics, and the reconcile loop that the webhook triggers (absent: no reconciles).
 */
public record Services(FleetLock fleetLock, MachineEndpoints machines, HealthCheck health, Supplier<DeliveryStats> stats,
                       Optional<ReconcileLoop> reconciles, Optional<WebhookSecret> webhook, GraphEndpoint graph) {
    /** No update graph: {@code GET /v1/graph} answers 404. */
    public Services(FleetLock fleetLock, MachineEndpoints machines, HealthCheck health, Supplier<DeliveryStats> stats,
                    Optional<ReconcileLoop> reconciles, Optional<WebhookSecret> webhook) {
        this(fleetLock, machines, health, stats, reconciles, webhook,
                (query, accept) -> Reply.error(404, "not_found", "this server has no update graph"));
    }

    public Services {
        Objects.requireNonNull(graph);
        Objects.requireNonNull(fleetLock);
        Objects.requireNonNull(machines);
        Objects.requireNonNull(health);
        Objects.requireNonNull(stats);
        Objects.requireNonNull(reconciles);
        Objects.requireNonNull(webhook);
    }

    /** Delivery's endpoints and numbers, with a health check and the reconcile loop (and its webhook secret) if any. */
    public static Services of(Delivery delivery, HealthCheck health, Optional<ReconcileLoop> reconciles,
                              Optional<WebhookSecret> webhook) {
        return new Services(delivery.fleetLock(), delivery.machines(), health, delivery::stats, reconciles, webhook,
                delivery.graph());
    }

    /** {@code GET /healthz}: returns when healthy, throws saying what is not. */
    @FunctionalInterface
    public interface HealthCheck {
        void check() throws Exception;
    }
}
