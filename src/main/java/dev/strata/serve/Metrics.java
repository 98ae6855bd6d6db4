package dev.strata.serve;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server counts itself: requests by route and status code, and request latency per route.
 * Lock-free on the request path (adders); rendering reads a moment that may straddle a request,
 * which Prometheus tolerates.
 */
final class Metrics {
    /** Upper bounds in seconds; the p99 target of 50 ms sits between two of them. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record Key(Route route, int status) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<Route, Histogram> latency = new ConcurrentHashMap<>();

    void observe(Route route, int status, long nanos) {
        requests.computeIfAbsent(new Key(route, status), k -> new LongAdder()).increment();
        latency.computeIfAbsent(route, r -> new Histogram()).observe(nanos / 1e9);
    }

    long requests(Route route, int status) {
        LongAdder a = requests.get(new Key(route, status));
        return a == null ? 0 : a.sum();
    }

    void render(PrometheusText text) {
        text.family("strata_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k.route().label + "\u0000" + k.status(), v.sum()));
        sorted.forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            text.sample("strata_http_requests_total", v, "route", parts[0], "code", parts[1]);
        });
        text.family("strata_http_request_duration_seconds", "histogram",
                "Time from a request's dispatch to its reply, by route.");
        Map<String, Histogram> byLabel = new TreeMap<>();
        latency.forEach((r, h) -> byLabel.put(r.label, h));
        byLabel.forEach((label, h) -> h.render(text, "strata_http_request_duration_seconds", label));
    }

    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(PrometheusText text, String name, String route) {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts[i].sum();
                text.sample(name + "_bucket", cumulative, "route", route, "le", PrometheusText.format(BUCKETS[i]));
            }
            // Read after the buckets, so never below them; an observation in flight lands in the next scrape.
            long n = Math.max(count.sum(), cumulative);
            text.sample(name + "_bucket", n, "route", route, "le", "+Inf");
            text.sample(name + "_sum", sum.sum(), "route", route);
            text.sample(name + "_count", n, "route", route);
        }
    }
}
