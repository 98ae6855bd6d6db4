package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

import static dev.strata.serve.FleetLockHttpTest.assertError;
import static dev.strata.serve.ServeFixture.DC1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base URLs as users write them in Zincati's config, joined the way Zincati joins them: the url
 * crate's {@code base.join("v1/pre-reboot")}, WHATWG resolution, which replaces the last path segment
 * unless the base ends in {@code /}. docs/serve.md tells users what to write, from these cases.
 */
class PrefixAndJoiningTest {
    private static final String SECRET = "k3J9fQx7Lm2pR8sT";

    @TempDir
    Path dir;

    /** WHATWG relative resolution of a path without dots, as Zincati's {@code Url::join} does it. */
    static URI zincatiJoin(String base, String relative) {
        URI b = URI.create(base);
        String path = b.getRawPath().isEmpty() ? "/" : b.getRawPath(); // http(s) URLs always have a path
        return URI.create(b.getScheme() + "://" + b.getRawAuthority() + path.substring(0, path.lastIndexOf('/') + 1) + relative);
    }

    @Test
    void theJoinDropsTheLastSegmentWithoutATrailingSlash() {
        assertThat(zincatiJoin("http://h:1/fleet_lock/", "v1/pre-reboot")).hasToString("http://h:1/fleet_lock/v1/pre-reboot");
        assertThat(zincatiJoin("http://h:1/fleet_lock", "v1/pre-reboot")).hasToString("http://h:1/v1/pre-reboot");
        assertThat(zincatiJoin("http://h:1", "v1/pre-reboot")).hasToString("http://h:1/v1/pre-reboot");
    }

    @Test
    void withoutAPrefixBothBaseUrlsWork() throws Exception {
        try (ServeFixture f = ServeFixture.start(dir)) {
            f.release(DC1);
            String authority = "http://" + f.server.baseUri().getRawAuthority();
            for (String base : new String[] {authority, authority + "/"}) {
                assertThat(preReboot(f, zincatiJoin(base, "v1/pre-reboot")).statusCode()).as(base).isEqualTo(200);
            }
        }
    }

    @Test
    void withAPrefixTheBaseEndsInASlashOrInAnyExtraSegment() throws Exception {
        try (ServeFixture f = ServeFixture.start(dir, c -> c.withPrefix(PathPrefix.parse(SECRET)), Optional.empty(), Optional.empty())) {
            f.release(DC1);
            String authority = "http://" + f.server.baseUri().getRawAuthority();
            assertThat(f.server.baseUri().getPath()).isEqualTo("/" + SECRET + "/");
            // What docs/serve.md tells users to write:
            assertThat(preReboot(f, zincatiJoin(authority + "/" + SECRET + "/", "v1/pre-reboot")).statusCode()).isEqualTo(200);
            assertThat(preReboot(f, zincatiJoin(authority + "/" + SECRET + "/fleet_lock", "v1/pre-reboot")).statusCode())
                    .as("a tool that strips trailing slashes: any last segment, which the join replaces").isEqualTo(200);
            // The pitfall: without the slash the secret is the segment the join drops.
            assertError(preReboot(f, zincatiJoin(authority + "/" + SECRET, "v1/pre-reboot")), 404, "not_found", "no such path");
            // Nothing answers outside the prefix, not even health and metrics, and errors do not echo the prefix.
            for (String outside : new String[] {"/healthz", "/metrics", "/v1/pre-reboot", "/" + SECRET, "/" + SECRET + "x/healthz"}) {
                HttpResponse<String> r = f.send(HttpRequest.newBuilder(URI.create(authority + outside)).GET());
                assertError(r, 404, "not_found", "no such path");
                assertThat(r.body()).doesNotContain(SECRET);
            }
            assertThat(f.get("healthz").statusCode()).isEqualTo(200);
            assertThat(f.get("metrics").body()).contains("strata_http_requests_total{route=\"unmatched\",code=\"404\"} 6")
                    .doesNotContain(SECRET);
        }
    }

    private static HttpResponse<String> preReboot(ServeFixture f, URI url) throws Exception {
        return f.send(HttpRequest.newBuilder(url).header("fleet-lock-protocol", "true")
                .POST(HttpRequest.BodyPublishers.ofString(ServeFixture.zincatiBody(DC1, "dc-east"))));
    }
}
