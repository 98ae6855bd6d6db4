package dev.strata.serve;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code strata serve}'s HTTP server on the JDK's com.sun.net.httpserver: FleetLock, the machine
 * endpoints, /healthz, /metrics and the Git webhook, all below one path prefix, over HTTP or TLS,
 * on a bounded pool of threads.
 *
 * <p>Shutdown ({@link #stop()}) answers new requests 503 {@code shutting_down} while the ones in
 * flight finish (up to the grace period), closes the listener, then waits for a running reconcile.
 * The state store belongs to the caller, who closes it after.
 */
public final class StrataServer implements AutoCloseable {
    /** How the server listens. {@code threads} bounds the requests handled at once; more wait in a queue. */
    public record Config(InetSocketAddress listen, PathPrefix prefix, Optional<SSLContext> tls, int threads,
                         int queue, Duration shutdownGrace) {
        public Config {
            Objects.requireNonNull(listen);
            Objects.requireNonNull(prefix);
            Objects.requireNonNull(tls);
            if (threads < 1 || queue < 1) throw new IllegalArgumentException("threads and queue must be positive");
        }

        public static Config plain(InetSocketAddress listen) {
            return new Config(listen, PathPrefix.ROOT, Optional.empty(), 64, 4096, Duration.ofSeconds(10));
        }

        public Config withPrefix(PathPrefix p) {
            return new Config(listen, p, tls, threads, queue, shutdownGrace);
        }

        public Config withTls(SSLContext context) {
            return new Config(listen, prefix, Optional.of(context), threads, queue, shutdownGrace);
        }

        public Config withShutdownGrace(Duration grace) {
            return new Config(listen, prefix, tls, threads, queue, grace);
        }
    }

    private final Config config;
    private final Services services;
    private final ServeListener listener;
    private final HttpServer http;
    private final ThreadPoolExecutor pool;
    private final Router router;
    private final Object stopLock = new Object();
    private boolean stopped;

    private StrataServer(Config config, Services services, ServeListener listener, HttpServer http,
                         ThreadPoolExecutor pool, Router router) {
        this.config = config;
        this.services = services;
        this.listener = listener;
        this.http = http;
        this.pool = pool;
        this.router = router;
    }

    /** Binds, starts serving, and starts the reconcile loop if there is one. */
    public static StrataServer start(Config config, Services services, ServeListener listener) throws IOException {
        // The JDK server writes a reply's head and body apart; with Nagle's algorithm the body then waits for
        // the client's delayed ACK (40 ms). Read once, when the first server is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer http;
        if (config.tls().isPresent()) {
            HttpsServer https = HttpsServer.create(config.listen(), 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(config.tls().get()));
            http = https;
        } else {
            http = HttpServer.create(config.listen(), 1024);
        }
        // A full queue makes the JDK server close the new connection: backpressure the client sees at once.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queue()), threads("strata-http-"), new ThreadPoolExecutor.AbortPolicy());
        Metrics metrics = new Metrics();
        Router router = new Router(config.prefix(), new Endpoints(services, metrics), metrics, listener);
        http.createContext("/", router);
        http.setExecutor(pool);
        http.start();
        services.reconciles().ifPresent(ReconcileLoop::start);
        return new StrataServer(config, services, listener, http, pool, router);
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The base URL clients use: scheme, the listening address and the prefix, ending in {@code /}. */
    public URI baseUri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + host + ":" + a.getPort() + config.prefix().path());
    }

    /** Requests being handled now (not those answered 503 while stopping). */
    int inFlight() {
        return router.inFlight();
    }

    /**
     * Graceful stop: new requests get 503 while those in flight finish (up to the grace period), the
     * listener closes, and a running reconcile is waited for. Safe to call more than once and from
     * several threads; returns when stopped.
     */
    public void stop() {
        synchronized (stopLock) {
            if (stopped) return;
            router.stopAccepting();
            long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
            while (router.inFlight() > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            int left = router.inFlight();
            if (left > 0) listener.abandoned(left);
            http.stop(0);
            services.reconciles().ifPresent(ReconcileLoop::close);
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped = true;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
