package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.strata.serve.FleetLockHttpTest.assertError;
import static dev.strata.serve.ServeFixture.DC1;
import static dev.strata.serve.ServeFixture.DC6;
import static dev.strata.serve.ServeFixture.NEW;
import static dev.strata.serve.ServeFixture.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** /metrics in Prometheus text format and /healthz, against the real delivery and state file. */
class MetricsAndHealthTest {
    /** A sample line: name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*})? (-?[0-9.e+-]+|\\+Inf|NaN)");

    @TempDir
    Path dir;

    @Test
    void metricsCountRequestsLocksUnknownIdsReportsAndReconciles() throws Exception {
        ReconcileLoop loop = new ReconcileLoop(() -> ReconcileOutcome.failed("registry unreachable"), Duration.ZERO,
                Duration.ZERO, Clock.systemUTC(), r -> { });
        try (ServeFixture f = ServeFixture.start(dir, c -> c, Optional.of(loop), Optional.empty())) {
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            f.release(DC1);
            f.release(DC6);
            assertThat(f.fleetLock("pre-reboot", DC1, "dc-east").statusCode()).isEqualTo(200);
            assertThat(f.fleetLock("pre-reboot", DC6, "dc-east").statusCode()).isEqualTo(200);
            assertThat(f.fleetLock("pre-reboot", UNKNOWN, "dc-east").statusCode()).isEqualTo(404);
            String token = f.token(DC1);
            HttpResponse<String> report = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(MachineEndpointsHttpTest.bootcStatus(NEW))));
            assertThat(report.statusCode()).isEqualTo(200);
            assertThat(f.fleetLock("steady-state", DC1, "dc-east").statusCode()).isEqualTo(200);
            f.get("no/such/path");
            // edge-01 polls the graph booted from an image Strata never published for edge.
            HttpResponse<String> graph = f.send(HttpRequest.newBuilder(f.url("v1/graph?basearch=x86_64&stream=stable"
                    + "&os_version=43.hotfix&os_checksum=quay.io%2Fsomeone%2Felse%40" + NEW + "&oci=true&group=edge"
                    + "&node_uuid=b158623dcefd60135a624a2a1e1e6ea0&platform=metal")).header("Accept", "application/json"));
            assertError(graph, 409, "unknown_payload", "no release of group edge");

            HttpResponse<String> metrics = f.get("metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains(PrometheusText.CONTENT_TYPE);
            String text = metrics.body();
            List<String> lines = Arrays.asList(text.split("\n"));
            assertThat(lines).allSatisfy(l -> assertThat(l.startsWith("# HELP ") || l.startsWith("# TYPE ")
                    || SAMPLE.matcher(l).matches()).as(l).isTrue());
            assertThat(lines).contains(
                    "strata_graph_unknown_payload_machines{group=\"edge\"} 1",
                    "strata_http_requests_total{route=\"pre_reboot\",code=\"200\"} 2",
                    "strata_http_requests_total{route=\"pre_reboot\",code=\"404\"} 1",
                    "strata_http_requests_total{route=\"steady_state\",code=\"200\"} 1",
                    "strata_http_requests_total{route=\"machine_status\",code=\"200\"} 1",
                    "strata_http_requests_total{route=\"unmatched\",code=\"404\"} 1",
                    "strata_http_request_duration_seconds_count{route=\"pre_reboot\"} 3",
                    "strata_http_request_duration_seconds_bucket{route=\"pre_reboot\",le=\"+Inf\"} 3",
                    "strata_fleetlock_slots{group=\"dc-east\"} 2",
                    "strata_fleetlock_holders{group=\"dc-east\"} 1",
                    "strata_fleetlock_failed_holders{group=\"dc-east\"} 0",
                    "strata_unknown_machines 1",
                    "strata_status_reports_accepted_total 1",
                    "strata_reconcile_runs_total{result=\"failed\"} 1",
                    "strata_reconcile_last_result{result=\"failed\"} 1",
                    "strata_reconcile_last_result{result=\"ok\"} 0",
                    "strata_reconcile_running 0");
            assertThat(text).contains("strata_reconcile_last_start_timestamp_seconds ", "strata_reconcile_last_duration_seconds ");
            // Each family is declared once, before its samples.
            assertThat(lines.stream().filter(l -> l.startsWith("# TYPE ")).distinct().count())
                    .isEqualTo(lines.stream().filter(l -> l.startsWith("# TYPE ")).count());
            assertThat(text).doesNotContain(token);
            // DC6 never reports: past dc-east's 1 h update timeout it counts as failed, and keeps its slot.
            f.clock.advance(Duration.ofHours(2));
            assertThat(f.get("metrics").body()).contains("strata_fleetlock_failed_holders{group=\"dc-east\"} 1",
                    "strata_fleetlock_holders{group=\"dc-east\"} 1");
        }
    }

    @Test
    void anInternalFailureIs500WithoutDetailsAndHealthSaysTheStoreIsGone() throws Exception {
        try (ServeFixture f = ServeFixture.start(dir)) {
            HttpResponse<String> healthy = f.get("healthz");
            assertThat(healthy.statusCode()).isEqualTo(200);
            assertThat(healthy.body()).isEqualTo("{\"status\":\"ok\"}");

            f.store.close(); // the state store goes away under the server
            assertError(f.get("healthz"), 503, "unhealthy", "state store");
            HttpResponse<String> metrics = f.get("metrics");
            assertError(metrics, 500, "internal_error", "server log");
            assertThat(metrics.body()).doesNotContain("StateStore").doesNotContain(dir.toString()).doesNotContain("Exception");
            assertThat(f.internalErrors).singleElement().asString().startsWith("metrics: ");
        }
    }
}
