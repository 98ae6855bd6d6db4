package dev.strata.registry;

import com.google.cloud.tools.jib.http.FailoverHttpClient;

import java.io.IOException;

/**
 * HTTP connections to registries, shared by the lookups and base-layer placements of one run. A client
 * for an insecure registry first tries HTTPS and remembers the answer per host; sharing it means one
 * such attempt per registry and run, not one per image, and connections are kept alive between requests.
 */
public final class Connections implements AutoCloseable {
    private final FailoverHttpClient secure = HttpClients.create(false, event -> { });
    private final FailoverHttpClient insecure = HttpClients.create(true, event -> { });

    /** The client for a registry: verified HTTPS only, or (listed as insecure) HTTPS then plain HTTP. */
    FailoverHttpClient client(boolean insecureRegistry) {
        return insecureRegistry ? insecure : secure;
    }

    @Override
    public void close() {
        for (FailoverHttpClient http : new FailoverHttpClient[]{secure, insecure}) {
            try {
                http.shutDown();
            } catch (IOException e) {
                // Closing idle connections; nothing to report.
            }
        }
    }
}
