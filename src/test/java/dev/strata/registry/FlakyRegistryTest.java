package dev.strata.registry;

import dev.strata.registry.Resolution.Failed;
import dev.strata.registry.Resolution.Reason;
import dev.strata.registry.Resolution.Resolved;
import dev.strata.registry.StreamResolver.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.strata.registry.Specs.followed;
import static dev.strata.registry.Specs.insecure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registry errors a real registry does not produce on demand (5xx, 429, 403), from a small server that
 * answers manifest requests with a given status a given number of times and then with a manifest.
 */
class FlakyRegistryTest {
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    private StubRegistry server;
    private final AtomicInteger manifestRequests = new AtomicInteger();
    private volatile int failures;
    private volatile int status;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final Retry retry = new Retry(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1), slept::add);

    @BeforeEach
    void start() throws IOException {
        server = new StubRegistry(this::answer);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private StubRegistry.Response answer(String method, String path) {
        if (!path.contains("/manifests/")) return new StubRegistry.Response(404, "text/plain", new byte[0]);
        if (manifestRequests.incrementAndGet() <= failures) {
            return new StubRegistry.Response(status, "application/json",
                    "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}".getBytes(StandardCharsets.UTF_8));
        }
        return new StubRegistry.Response(200, "application/vnd.oci.image.manifest.v1+json", MANIFEST);
    }

    private String host() {
        return server.host();
    }

    private Resolution resolve() {
        return new RegistryStreamResolver(Credentials.none(), retry)
                .resolve(List.of(followed("fcos", host() + "/fedora/fcos", "stable")), insecure(host()), Options.online())
                .get("fcos").orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429})
    void aTransientErrorIsRetriedWithBackoffAndThenResolves(int code) throws Exception {
        status = code;
        failures = 2;
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(MANIFEST));
        assertThat(resolve()).isInstanceOfSatisfying(Resolved.class, ok -> assertThat(ok.resolution().digest()).isEqualTo(digest));
        assertThat(manifestRequests).hasValue(3);
        assertThat(slept).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void aServerErrorThatLastsFailsAfterTheLastAttemptNamingRegistryAndRepository() {
        status = 503;
        failures = Integer.MAX_VALUE;
        assertThat(resolve()).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Reason.REGISTRY_ERROR);
            assertThat(f.message()).contains("registry " + host(), "repository fedora/fcos", "HTTP 503",
                    "gave up after 3 attempts");
        });
        assertThat(manifestRequests).hasValue(3);
    }

    @Test
    void aRefusalIsNotRetried() {
        status = 403;
        failures = Integer.MAX_VALUE;
        assertThat(resolve()).isInstanceOfSatisfying(Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Reason.UNAUTHORIZED);
            assertThat(f.message()).contains("registry " + host(), "repository fedora/fcos", "HTTP 403");
        });
        assertThat(manifestRequests).hasValue(1);
        assertThat(slept).isEmpty();
    }
}
