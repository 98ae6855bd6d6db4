package dev.strata.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strata.delivery.Reply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one handler of the server: finds the route below the prefix, checks the method, runs the
 * endpoint, and answers every failure as {@code {kind, value}} JSON. It counts each request in
 * metrics and keeps track of the requests in flight, so that shutdown can let them finish while new
 * ones get 503 {@code shutting_down}.
 */
final class Router implements HttpHandler {
    private final PathPrefix prefix;
    private final Endpoints endpoints;
    private final Metrics metrics;
    private final ServeListener listener;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    Router(PathPrefix prefix, Endpoints endpoints, Metrics metrics, ServeListener listener) {
        this.prefix = prefix;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.listener = listener;
    }

    @Override
    public void handle(HttpExchange ex) {
        long started = System.nanoTime();
        Route route = Route.UNMATCHED;
        // Counted before checking stopping, so that shutdown, which sets stopping and then waits for
        // the count to drop, never misses a request that got past the check.
        inFlight.incrementAndGet();
        boolean counted = true;
        try {
            if (stopping) {
                inFlight.decrementAndGet();
                counted = false;
                ex.getResponseHeaders().set("Connection", "close");
                Exchanges.send(ex, Reply.error(503, "shutting_down", "the server is stopping; retry later"));
                return;
            }
            Optional<String> below = prefix.strip(ex.getRequestURI().getRawPath());
            Route.Match match = below.map(Route::match).orElse(Route.Match.of(Route.UNMATCHED));
            route = match.route();
            Reply reply = answer(ex, match);
            if (reply != null) Exchanges.send(ex, reply);
        } catch (Exchanges.BodyTooLarge e) {
            sendQuietly(ex, Reply.error(413, "body_too_large", "the request body is over " + e.limit + " bytes"));
        } catch (IOException e) {
            // The client went away mid-request; nobody is left to answer.
        } catch (RuntimeException e) {
            listener.internalError(route.label, e);
            sendQuietly(ex, Reply.error(500, "internal_error", "internal error; the server log has the details"));
        } finally {
            ex.close();
            int status = ex.getResponseCode();
            if (status > 0) metrics.observe(route, status, System.nanoTime() - started);
            if (counted) inFlight.decrementAndGet();
        }
    }

    private Reply answer(HttpExchange ex, Route.Match match) throws IOException, Exchanges.BodyTooLarge {
        Route route = match.route();
        if (route == Route.UNMATCHED) return Reply.error(404, "not_found", "no such path");
        if (!ex.getRequestMethod().equals(route.method)) {
            ex.getResponseHeaders().set("Allow", route.method);
            return Reply.error(405, "method_not_allowed", "use " + route.method);
        }
        return switch (route) {
            case PRE_REBOOT, STEADY_STATE -> endpoints.fleetLock(ex, route);
            case MACHINE_TARGET -> endpoints.target(ex, match.machineId().orElseThrow());
            case MACHINE_STATUS -> endpoints.status(ex, match.machineId().orElseThrow());
            case GRAPH -> endpoints.graph(ex);
            case HEALTHZ -> endpoints.health();
            case METRICS -> metricsReply(ex);
            case GIT_HOOK -> endpoints.gitHook(ex);
            case UNMATCHED -> throw new IllegalStateException("handled above");
        };
    }

    /** /metrics is text, not JSON: written here, and null tells the caller nothing is left to send. */
    private Reply metricsReply(HttpExchange ex) throws IOException {
        byte[] body = endpoints.metrics().getBytes(StandardCharsets.UTF_8);
        Exchanges.send(ex, 200, PrometheusText.CONTENT_TYPE, body);
        return null;
    }

    private static void sendQuietly(HttpExchange ex, Reply reply) {
        if (ex.getResponseCode() > 0) return; // headers already went out; the connection is closed instead
        try {
            ex.getResponseHeaders().set("Connection", "close");
            Exchanges.send(ex, reply);
        } catch (IOException e) {
            // The client is gone.
        }
    }

    void stopAccepting() {
        stopping = true;
    }

    int inFlight() {
        return inFlight.get();
    }
}
