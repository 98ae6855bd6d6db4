package dev.strata.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.delivery.Reply;

import java.io.IOException;
import java.util.Optional;

/** The work of each route, once the router has checked the prefix, the path and the method. */
final class Endpoints {
    /** Zincati's body is about 80 bytes; anything near this is not FleetLock. */
    static final int FLEETLOCK_BODY_LIMIT = 16 * 1024;
    /** bootc and rpm-ostree status documents are a few KiB; docs/delivery.md promises 1 MiB. */
    static final int STATUS_BODY_LIMIT = 1024 * 1024;
    /** Push payloads can be large (many commits); they are hashed as they stream, never held. */
    static final long WEBHOOK_BODY_LIMIT = 25L * 1024 * 1024;

    private final Services services;
    private final Metrics metrics;

    Endpoints(Services services, Metrics metrics) {
        this.services = services;
        this.metrics = metrics;
    }

    Reply fleetLock(HttpExchange ex, Route route) throws IOException, Exchanges.BodyTooLarge {
        byte[] body = Exchanges.body(ex, FLEETLOCK_BODY_LIMIT);
        FleetLockRequest request;
        try {
            request = FleetLockRequest.parse(ex.getRequestHeaders(), body);
        } catch (FleetLockRequest.Invalid e) {
            return Reply.error(400, FleetLockRequest.KIND, e.getMessage());
        }
        return route == Route.PRE_REBOOT
                ? services.fleetLock().preReboot(request.group(), request.id())
                : services.fleetLock().steadyState(request.group(), request.id());
    }

    Reply target(HttpExchange ex, String id) {
        Optional<Reply> bad = checkMachineId(id);
        if (bad.isPresent()) return bad.get();
        return services.machines().target(id, Exchanges.bearer(ex));
    }

    Reply status(HttpExchange ex, String id) throws IOException, Exchanges.BodyTooLarge {
        Optional<Reply> bad = checkMachineId(id);
        if (bad.isPresent()) return bad.get();
        byte[] body = Exchanges.body(ex, STATUS_BODY_LIMIT);
        return services.machines().status(id, Exchanges.bearer(ex), body);
    }

    private static Optional<Reply> checkMachineId(String id) {
        if (FleetLockRequest.MACHINE_ID.matcher(id).matches()) return Optional.empty();
        return Optional.of(Reply.error(400, "invalid_request",
                "machine id must be 32 lowercase hex characters (systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b)"));
    }

    /** Zincati's update graph: the raw query goes to delivery, which checks every parameter. */
    Reply graph(HttpExchange ex) {
        return services.graph().graph(ex.getRequestURI().getRawQuery(),
                Optional.ofNullable(ex.getRequestHeaders().getFirst("Accept")));
    }

    Reply health() {
        try {
            services.health().check();
            return Reply.ok("{\"status\":\"ok\"}");
        } catch (Exception e) {
            return Reply.error(503, "unhealthy", "the state store is not reachable");
        }
    }

    String metrics() {
        PrometheusText text = new PrometheusText();
        metrics.render(text);
        DeliveryMetrics.render(text, services.stats().get());
        services.reconciles().ifPresent(loop -> ReconcileMetrics.render(text, loop));
        return text.toString();
    }

    Reply gitHook(HttpExchange ex) throws IOException, Exchanges.BodyTooLarge {
        if (services.webhook().isEmpty() || services.reconciles().isEmpty()) {
            return Reply.error(404, "not_found", "the Git webhook is off; start strata serve with --webhook-secret-file");
        }
        Exchanges.checkDeclaredLength(ex, WEBHOOK_BODY_LIMIT);
        WebhookSecret.Signer signer = services.webhook().get().sign(ex.getRequestBody(), WEBHOOK_BODY_LIMIT);
        if (!signer.matches(Optional.ofNullable(ex.getRequestHeaders().getFirst(WebhookSecret.HEADER)))) {
            return Reply.error(401, "unauthorized", "missing or wrong " + WebhookSecret.HEADER + " signature");
        }
        String event = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-GitHub-Event"))
                .or(() -> Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Gitea-Event")))
                .orElse("push");
        if (event.equals("ping")) return Reply.ok("{\"reconcile\":\"none\",\"event\":\"ping\"}");
        return switch (services.reconciles().get().trigger("webhook")) {
            case STARTED -> new Reply(202, "{\"reconcile\":\"started\"}");
            case QUEUED -> new Reply(202, "{\"reconcile\":\"queued\"}");
            case STOPPING -> Reply.error(503, "shutting_down", "the server is stopping");
        };
    }
}
