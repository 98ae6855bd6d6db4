package dev.strata.serve;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DeliveryEvents;
import dev.strata.reconcile.Reconciler;
import dev.strata.state.StateStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code strata serve} put together: delivery on the state store, following the revision the
 * reconciler has in force (its {@code DesiredView}, with the run's registry); the reconcile loop (at start, every interval, on a signed push); and the
 * HTTP server. {@link #close()} stops them in order: HTTP (in-flight requests finish, a running
 * reconcile is waited for), then delivery (queued writes are committed). The caller closes the store.
 */
public final class ServeRuntime implements AutoCloseable {
    /** @param interval time between periodic reconciles; zero: only at start and on webhooks */
    public record Settings(StrataServer.Config server, Duration interval, Duration jitter, Optional<WebhookSecret> webhook) {
        public Settings {
            Objects.requireNonNull(server);
            Objects.requireNonNull(webhook);
            if (interval.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("negative interval or jitter");
        }
    }

    private final StrataServer server;
    private final Delivery delivery;

    private ServeRuntime(StrataServer server, Delivery delivery) {
        this.server = server;
        this.delivery = delivery;
    }

    public static ServeRuntime start(Settings settings, StateStore store, Reconciler reconciler, Clock clock,
                                     ServeListener listener, DeliveryEvents events) throws IOException {
        Delivery delivery = new Delivery(store, clock, reconciler::inForce, events);
        try {
            ReconcileLoop loop = new ReconcileLoop(new ReconcilerTask(reconciler, clock, delivery::markOverdueHolders),
                    settings.interval(), settings.jitter(), clock, listener::reconciled);
            Services.HealthCheck health = store::runLockHolder;
            Services services = settings.webhook().isPresent()
                    ? Services.of(delivery, health, loop, settings.webhook().get(), reconciler::followedRef)
                    : Services.of(delivery, health, Optional.of(loop));
            return new ServeRuntime(StrataServer.start(settings.server(), services, listener), delivery);
        } catch (IOException | RuntimeException e) {
            delivery.close();
            throw e;
        }
    }

    public StrataServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            delivery.close();
        }
    }
}
