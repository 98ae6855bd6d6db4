package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strata.serve.FleetLockHttpTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/deploy.md's probes and Prometheus scrape config, requested from a real server run with the path
 * prefix the page's Secret holds: what the page tells people to configure must answer, and the
 * same paths without the prefix must not.
 */
class DeployDocsTest {
    @TempDir
    Path dir;

    @Test
    void theProbesAndTheScrapeConfigReachHealthAndMetricsBelowThePrefix() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("docs/deploy.md"));
        String prefix = only(page, "path-prefix: \"([^\"]+)\"");
        List<String> probes = all(page, "httpGet: \\{path: ([^,]+),");
        String metricsPath = only(page, "metrics_path: (\\S+)");
        assertThat(probes).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo(prefix + "/healthz"));
        assertThat(metricsPath).isEqualTo(prefix + "/metrics");
        // The page keeps the prefix off command lines, as serve.md advises.
        assertThat(page).contains("--path-prefix-file %d/path-prefix", "--path-prefix-file=/etc/strata/secrets/path-prefix")
                .doesNotContain("--path-prefix=", "--path-prefix $");

        Path prefixFile = dir.resolve("path-prefix");
        Files.writeString(prefixFile, prefix + "\n"); // as the Secret's key is mounted
        PathPrefix parsed = PathPrefix.parse(Files.readAllLines(prefixFile).get(0));
        try (ServeFixture f = ServeFixture.start(dir, c -> c.withPrefix(parsed), Optional.empty(), Optional.empty())) {
            String authority = "http://" + f.server.baseUri().getRawAuthority();
            for (String probe : probes) {
                HttpResponse<String> health = f.send(HttpRequest.newBuilder(URI.create(authority + probe)).GET());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            }
            f.awaitCounted(); // both probes counted
            // Prometheus sends its own Accept header and no query string.
            HttpResponse<String> metrics = f.send(HttpRequest.newBuilder(URI.create(authority + metricsPath))
                    .header("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1").GET());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains(PrometheusText.CONTENT_TYPE);
            assertThat(metrics.body()).contains("strata_http_requests_total{route=\"healthz\",code=\"200\"} 2",
                    "strata_graph_unknown_payload_machines{group=\"edge\"} 0").doesNotContain(prefix.substring(1));
            for (String without : new String[] {"/healthz", "/metrics"}) {
                assertError(f.send(HttpRequest.newBuilder(URI.create(authority + without)).GET()), 404, "not_found", "no such path");
            }
        }
    }

    private static String only(String text, String regex) {
        List<String> found = all(text, regex);
        assertThat(found).as(regex).hasSize(1);
        return found.get(0);
    }

    private static List<String> all(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
