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

    /**
     * The signed push webhook. The body is hashed and scanned as it arrives; nothing in it counts until
     * the signature matches. Then only a push to the ref serve follows triggers a reconcile: pings, other
     * events and pushes to other refs get 200 and say they were ignored (docs/serve.md).
     */
    Reply gitHook(HttpExchange ex) throws IOException, Exchanges.BodyTooLarge {
        if (services.webhook().isEmpty() || services.reconciles().isEmpty()) {
            return Reply.error(404, "not_found", "the Git webhook is off; start strata serve with --webhook-secret-file");
        }
        Exchanges.checkDeclaredLength(ex, WEBHOOK_BODY_LIMIT);
        Optional<String> event = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-GitHub-Event"))
                .or(() -> Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Gitea-Event")))
                .or(() -> Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Forgejo-Event")));
        boolean json = isJson(Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")));
        boolean push = event.map(e -> e.equals("push")).orElse(true);
        PushBody.Read body = PushBody.read(ex.getRequestBody(), WEBHOOK_BODY_LIMIT, services.webhook().get(), json && push);
        if (!body.signer().matches(Optional.ofNullable(ex.getRequestHeaders().getFirst(WebhookSecret.HEADER)))) {
            return Reply.error(401, "unauthorized", "missing or wrong " + WebhookSecret.HEADER + " signature");
        }
        if (event.isPresent() && !EVENT.matcher(event.get()).matches()) {
            return Reply.error(400, "invalid_request", "the event header is not an event name such as push");
        }
        if (!json) {
            return Reply.error(400, "invalid_request", "the body must be Content-Type application/json;"
                    + " set the webhook's content type to application/json");
        }
        if (!push) return Reply.ok("{\"reconcile\":\"none\",\"event\":\"" + event.get() + "\"}");
        if (body.problem().isPresent()) return Reply.error(400, "invalid_request", body.problem().get());
        String pushed = body.ref().orElseThrow();
        Optional<String> followed;
        try {
            followed = services.followed().name();
        } catch (IOException e) {
            followed = Optional.of(pushed); // cannot tell now: reconcile, which reports what is wrong with the repository
        }
        if (!followed.equals(Optional.of(pushed))) {
            return Reply.ok("{\"reconcile\":\"ignored\",\"ref\":" + quote(pushed) + ",\"follows\":"
                    + followed.map(Endpoints::quote).orElse("null") + "}");
        }
        return switch (services.reconciles().get().trigger("webhook")) {
            case STARTED -> new Reply(202, "{\"reconcile\":\"started\"}");
            case QUEUED -> new Reply(202, "{\"reconcile\":\"queued\"}");
            case STOPPING -> Reply.error(503, "shutting_down", "the server is stopping");
        };
    }

    /** Event names as forges send them (push, ping, pull_request); anything else is not one. */
    private static final java.util.regex.Pattern EVENT = java.util.regex.Pattern.compile("[a-z_]{1,64}");

    /** No Content-Type is read as JSON (curl and some tools send none); any other type is refused. */
    private static boolean isJson(Optional<String> contentType) {
        return contentType.map(t -> t.split(";")[0].strip().equalsIgnoreCase("application/json")).orElse(true);
    }

    private static String quote(String s) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
