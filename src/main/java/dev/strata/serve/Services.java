package dev.strata.serve;

import dev.strata.delivery.FleetLock;
import dev.strata.delivery.GraphEndpoint;
import dev.strata.delivery.Reply;
import dev.strata.delivery.MachineEndpoints;

import java.util.Objects;
import java.util.Optional;

/**
 * What the server serves: delivery's FleetLock and machine endpoints, Zincati's update graph, a health
 * check, the gauges /metrics shows, and the reconcile loop that the webhook triggers (absent: no reconciles).
 */
public record Services(FleetLock fleetLock, MachineEndpoints machines, HealthCheck health, DeliveryGauges gauges,
                       Optional<ReconcileLoop> reconciles, Optional<WebhookSecret> webhook, GraphEndpoint graph) {
    /** No update graph: {@code GET /v1/graph} answers 404. */
    public Services(FleetLock fleetLock, MachineEndpoints machines, HealthCheck health, DeliveryGauges gauges,
                    Optional<ReconcileLoop> reconciles, Optional<WebhookSecret> webhook) {
        this(fleetLock, machines, health, gauges, reconciles, webhook,
                (query, accept) -> Reply.error(404, "not_found", "this server has no update graph"));
    }

    public Services {
        Objects.requireNonNull(graph);
        Objects.requireNonNull(fleetLock);
        Objects.requireNonNull(machines);
        Objects.requireNonNull(health);
        Objects.requireNonNull(gauges);
        Objects.requireNonNull(reconciles);
        Objects.requireNonNull(webhook);
    }

    /** {@code GET /healthz}: returns when healthy, throws saying what is not. */
    @FunctionalInterface
    public interface HealthCheck {
        void check() throws Exception;
    }
}
