package dev.strata.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.strata.serve.FleetLockHttpTest.assertError;
import static dev.strata.serve.ServeFixture.DC1;
import static dev.strata.serve.ServeFixture.DC2;
import static dev.strata.serve.ServeFixture.NEW;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent's endpoints over HTTP: tokens, ids, body limits, against the real delivery and state file. */
class MachineEndpointsHttpTest {
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

    /** What {@code bootc status --format=json --format-version=1} prints on a host booted into {@code digest}. */
    static String bootcStatus(String digest) {
        String entry = "{\"image\":{\"image\":{\"image\":\"registry.example.com/fleet/dc-bonded@" + digest + "\",\"transport\":\"registry\"},"
                + "\"version\":\"41.20261101.3.0\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"imageDigest\":\"" + digest + "\","
                + "\"architecture\":\"amd64\"},\"cachedUpdate\":null,\"incompatible\":false,\"pinned\":false,"
                + "\"downloadOnly\":false,\"ostree\":{\"checksum\":\"3c6dad\",\"deploySerial\":0,\"stateroot\":\"default\"}}";
        return "{\"apiVersion\":\"org.containers.bootc/v1\",\"kind\":\"BootcHost\",\"metadata\":{\"name\":\"host\"},"
                + "\"spec\":{\"image\":{\"image\":\"registry.example.com/fleet/dc-bonded@" + digest + "\",\"transport\":\"registry\"},"
                + "\"bootOrder\":\"default\"},\"status\":{\"staged\":null,\"booted\":" + entry
                + ",\"rollback\":null,\"rollbackQueued\":false,\"type\":\"bootcHost\"}}";
    }

    @Test
    void aMachineWithItsTokenGetsItsTargetAndReportsItsStatus() throws Exception {
        String token = f.token(DC1);
        f.release(DC1);
        HttpResponse<String> target = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/target"))
                .header("Authorization", "Bearer " + token).GET());
        assertThat(target.statusCode()).as(target.body()).isEqualTo(200);
        JsonNode t = JSON.readTree(target.body());
        assertThat(t.get("digest").asText()).isEqualTo(NEW);
        assertThat(t.get("image").asText()).isEqualTo("registry.example.com/fleet/dc-bonded@" + NEW);
        assertThat(t.get("group").asText()).isEqualTo("dc-east");

        HttpResponse<String> status = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(bootcStatus(NEW))));
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("{\"recorded\":true}");
        assertThat(f.store.machine(DC1).orElseThrow().booted()).contains(NEW);
    }

    @Test
    void aMissingOrWrongTokenIsUnauthorizedAndNeverEchoed() throws Exception {
        String token = f.token(DC1);
        String other = f.token(DC2);
        assertError(f.get("v1/machines/" + DC1 + "/target"), 401, "unauthorized", "");
        HttpResponse<String> wrong = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/target"))
                .header("Authorization", "Bearer " + other).GET());
        assertError(wrong, 401, "unauthorized", "");
        assertThat(wrong.body()).doesNotContain(other).doesNotContain(token);
        HttpResponse<String> basic = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                .header("Authorization", "Basic " + token).POST(HttpRequest.BodyPublishers.ofString(bootcStatus(NEW))));
        assertError(basic, 401, "unauthorized", "");
        assertThat(f.store.machine(DC1)).isEmpty();
    }

    @Test
    void malformedIdsPathsAndMethodsAreRefused() throws Exception {
        String token = f.token(DC1);
        for (String id : new String[] {DC1.toUpperCase(), DC1.substring(1), DC1 + "0", "%2e%2e", "%20" + DC1.substring(1)}) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + id + "/target"))
                    .header("Authorization", "Bearer " + token).GET());
            assertError(r, 400, "invalid_request", "32 lowercase hex");
        }
        try (RawHttp raw = new RawHttp(f.server.baseUri())) { // an empty id, which URI.resolve would collapse
            RawHttp.Response r = raw.write("GET /v1/machines//target HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("invalid_request");
        }
        assertError(f.get("v1/machines/" + DC1 + "/other"), 404, "not_found", "no such path");
        assertError(f.get("v1/machines/" + DC1 + "/target/x"), 404, "not_found", "no such path");
        assertError(f.get("v1/machines/" + DC1 + "/status"), 405, "method_not_allowed", "POST");
        assertError(f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/target"))
                .POST(HttpRequest.BodyPublishers.noBody())), 405, "method_not_allowed", "GET");
        HttpResponse<String> garbage = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("not json")));
        assertError(garbage, 400, "invalid_request", "");
        assertThat(f.store.machine(DC1)).isEmpty();
    }

    @Test
    void aDeclaredBodyOverOneMebibyteIsRefusedBeforeItIsSent() throws Exception {
        String token = f.token(DC1);
        try (RawHttp raw = new RawHttp(f.server.baseUri())) {
            RawHttp.Response r = raw.write("POST /v1/machines/" + DC1 + "/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Length: " + (Endpoints.STATUS_BODY_LIMIT + 1) + "\r\n\r\n").read();
            // Answered from the headers alone: not one byte of the body was sent.
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("\"kind\":\"body_too_large\"");
            assertThat(r.header("Connection")).isEqualTo("close");
        }
        assertThat(f.get("healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws Exception {
        String token = f.token(DC1);
        byte[] big = new byte[Endpoints.STATUS_BODY_LIMIT + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        // No length known in advance: the client streams it chunked.
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertError(r, 413, "body_too_large", String.valueOf(Endpoints.STATUS_BODY_LIMIT));
        // Exactly the limit is accepted as far as size goes (then judged as JSON: spaces only is not a document).
        byte[] exact = bootcStatus(NEW).getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(exact, Endpoints.STATUS_BODY_LIMIT);
        java.util.Arrays.fill(padded, exact.length, padded.length, (byte) ' ');
        HttpResponse<String> ok = f.send(HttpRequest.newBuilder(f.url("v1/machines/" + DC1 + "/status"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(padded))));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
}
