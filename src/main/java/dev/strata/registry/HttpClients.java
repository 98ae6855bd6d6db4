package dev.strata.registry;

import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.http.FailoverHttpClient;

import java.lang.reflect.Constructor;
import java.util.function.Consumer;

/**
 * jib-core's HTTP client, with jib's own retries turned off. Its public constructor retries every
 * I/O error about ten times with backoff (close to a minute for a registry that refuses connections, and
 * for an HTTPS handshake with a plain-HTTP registry), with timings nobody can change; Strata retries with
 * its own bounded, injectable {@link Retry} instead. jib keeps the switch in a constructor it marks
 * visible for testing, so it is reached by reflection; jib-core's version is pinned in the pom, and
 * {@code HttpClientsTest} fails the build if a new version drops it.
 */
final class HttpClients {
    private HttpClients() {
    }

    /**
     * A client for one kind of registry. {@code insecure}: HTTPS first, then HTTPS without verifying the
     * certificate, then plain HTTP, and credentials are sent over plain HTTP too (the registry was listed
     * as insecure on purpose). Otherwise verified HTTPS only.
     */
    static FailoverHttpClient create(boolean insecure, Consumer<LogEvent> log) {
        try {
            Constructor<FailoverHttpClient> noRetry = FailoverHttpClient.class.getDeclaredConstructor(
                    boolean.class, boolean.class, Consumer.class, boolean.class);
            noRetry.setAccessible(true);
            return noRetry.newInstance(insecure, insecure, log, false);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this jib-core has no FailoverHttpClient(boolean, boolean, Consumer,"
                    + " boolean) constructor to turn its retries off; see HttpClients", e);
        }
    }
}
