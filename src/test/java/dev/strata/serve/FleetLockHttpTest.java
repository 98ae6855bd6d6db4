package dev.strata.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static dev.strata.serve.ServeFixture.DC1;
import static dev.strata.serve.ServeFixture.DC2;
import static dev.strata.serve.ServeFixture.DC6;
import static dev.strata.serve.ServeFixture.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** FleetLock over HTTP as Zincati speaks it, against the real server, delivery and state file. */
class FleetLockHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ServeFixture f;

    @BeforeEach
    void start() throws Exception {
        f = ServeFixture.start(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void zincatisExactRequestTakesAndReleasesASlot() throws Exception {
        f.release(DC1);
        String body = ServeFixture.zincatiBody(DC1, "dc-east");
        String request = "POST /v1/pre-reboot HTTP/1.1\r\nhost: " + f.server.baseUri().getAuthority()
                + "\r\nfleet-lock-protocol: true\r\naccept: */*\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
        try (RawHttp raw = new RawHttp(f.server.baseUri())) {
            RawHttp.Response granted = raw.write(request).read();
            assertThat(granted.status()).isEqualTo(200);
            assertThat(granted.body()).isEmpty();
            assertThat(f.store.fleetLockHolder(DC1)).isPresent();
            // Recursive: asking again on the same connection keeps the slot.
            assertThat(raw.write(request).read().status()).isEqualTo(200);
            RawHttp.Response released = raw.write(request.replace("pre-reboot", "steady-state")).read();
            assertThat(released.status()).isEqualTo(200);
        }
        assertThat(f.store.fleetLockHolder(DC1)).isEmpty();
        assertThat(f.fleetLock("steady-state", DC1, "dc-east").statusCode()).as("unheld: still 200").isEqualTo(200);
        assertThat(f.fleetLock("steady-state", UNKNOWN, "dc-east").statusCode()).as("unknown id: 200, or Zincati never starts")
                .isEqualTo(200);
    }

    @Test
    void malformedRequestsAreInvalidClientIdentity() throws Exception {
        String good = ServeFixture.zincatiBody(DC1, "dc-east");
        assertError(post("v1/pre-reboot", null, good), 400, "invalid_client_identity", "fleet-lock-protocol");
        assertError(post("v1/pre-reboot", "false", good), 400, "invalid_client_identity", "must be 'true'");
        assertError(post("v1/steady-state", "true", "{\"client_params\": "), 400, "invalid_client_identity", "not JSON");
        assertError(post("v1/pre-reboot", "true", "[1,2]"), 400, "invalid_client_identity", "JSON object");
        assertError(post("v1/pre-reboot", "true", "{}"), 400, "invalid_client_identity", "no client_params");
        assertError(post("v1/pre-reboot", "true", ServeFixture.zincatiBody("", "dc-east")), 400, "invalid_client_identity",
                "client_params.id is empty");
        assertError(post("v1/pre-reboot", "true", ServeFixture.zincatiBody(DC1, "")), 400, "invalid_client_identity",
                "client_params.group is empty");
        assertError(post("v1/pre-reboot", "true", ServeFixture.zincatiBody(DC1, "dc east")), 400, "invalid_client_identity",
                "^[a-zA-Z0-9.-]+$");
        assertError(post("v1/pre-reboot", "true", ServeFixture.zincatiBody(DC1.toUpperCase(), "dc-east")), 400,
                "invalid_client_identity", "32 lowercase hex");
        assertError(post("v1/pre-reboot", "true", "{\"client_params\":{\"id\":5,\"group\":\"dc-east\"}}"), 400,
                "invalid_client_identity", "must be a string");
        assertError(post("v1/pre-reboot", "true", good + " trailing"), 400, "invalid_client_identity", "not JSON");
        assertError(post("v1/steady-state", "true", ""), 400, "invalid_client_identity", "body is empty");
        assertThat(f.store.fleetLockHolders()).isEmpty();
    }

    @Test
    void getInsteadOfPostIsMethodNotAllowed() throws Exception {
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.url("v1/pre-reboot")).header("fleet-lock-protocol", "true").GET());
        assertError(r, 405, "method_not_allowed", "POST");
        assertThat(r.headers().firstValue("Allow")).contains("POST");
    }

    @Test
    void decisionsComeFromDeliveryWithTheirKinds() throws Exception {
        assertError(f.fleetLock("pre-reboot", UNKNOWN, "dc-east"), 404, "unknown_machine", UNKNOWN);
        assertError(f.fleetLock("pre-reboot", DC1, "edge"), 409, "unknown_group", "dc-east");
        assertError(f.fleetLock("pre-reboot", DC1, "dc-east"), 409, "not_released", DC1);
        // dc-east: maxUnavailable 2, one per rack. DC1 and DC2 share rack r1; DC6 is in r2.
        f.release(DC1);
        f.release(DC2);
        f.release(DC6);
        assertThat(f.fleetLock("pre-reboot", DC1, "dc-east").statusCode()).isEqualTo(200);
        assertError(f.fleetLock("pre-reboot", DC2, "dc-east"), 409, "slots_full", "disruption budget");
        assertThat(f.fleetLock("pre-reboot", DC6, "dc-east").statusCode()).isEqualTo(200);
        f.clock.advance(java.time.Duration.ofHours(6)); // 07:30 in Berlin: the window has closed
        assertThat(f.fleetLock("steady-state", DC1, "dc-east").statusCode()).isEqualTo(200);
        assertError(f.fleetLock("pre-reboot", DC2, "dc-east"), 409, "outside_window", "maintenance windows");
    }

    @Test
    void aFleetLockBodyOverItsLimitIsRefusedUnread() throws Exception {
        String huge = "{\"client_params\":{\"id\":\"" + DC1 + "\",\"group\":\"dc-east\",\"pad\":\""
                + "x".repeat(Endpoints.FLEETLOCK_BODY_LIMIT) + "\"}}";
        assertError(post("v1/pre-reboot", "true", huge), 413, "body_too_large", String.valueOf(Endpoints.FLEETLOCK_BODY_LIMIT));
    }

    private HttpResponse<String> post(String path, String header, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.url(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) b.header("fleet-lock-protocol", header);
        return f.send(b);
    }

    static void assertError(HttpResponse<String> r, int status, String kind, String valueContains) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.size()).as(r.body()).isEqualTo(2);
        assertThat(error.get("kind").asText()).isEqualTo(kind);
        assertThat(error.get("value").asText()).contains(valueContains);
    }
}
