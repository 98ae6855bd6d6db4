package dev.strata.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.serve.ServeListener;
import dev.strata.serve.Services;
import dev.strata.serve.StrataServer;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static dev.strata.delivery.TestFleet.digest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/graph} over real HTTP against the real server, with the exact request shapes of the
 * protocol notes (protocols.md section 2): the parameters Zincati's {@code Identity::cincinnati_params}
 * sends, form-urlencoded, with {@code accept: application/json} and nothing else; and the answers Zincati
 * decodes: a graph, 400 with an empty body for a missing basearch or stream (as the FCOS server), and
 * {@code {"kind","value"}} for the rest. FleetLock's shapes ride along: a pretty-printed body without
 * Content-Type, and a request without the protocol header.
 */
class GraphProtocolTest {
    static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
    static final String REPO = "registry.test/fleet/app";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private StateStore store;
    private Delivery delivery;
    private StrataServer server;
    private MachineGroup edge;
    private MachineGroup dc;

    @BeforeEach
    void start() throws Exception {
        edge = TestFleet.group("edge").zincati().platform(1, "linux/arm64").build();
        dc = TestFleet.group("dc").build();
        store = SqliteStateStore.open(dir.resolve("state.db"));
        DesiredView view = TestFleet.view(edge, dc);
        delivery = new Delivery(store, java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC), () -> Optional.of(view));
        Services services = Services.of(delivery, () -> { }, Optional.empty());
        server = StrataServer.start(StrataServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)), services, ServeListener.SILENT);
        store.recordRelease(new Release("edge", 1, "43.20260413.3.2.strata.aaaaaaaaaaaa", "app", digest('9'), digest('a'),
                Map.of("x86_64", REPO + "@" + digest('a')), T0, T0, Optional.empty(), Optional.empty()));
        store.recordRelease(new Release("edge", 2, "43.20260413.3.2.strata.bbbbbbbbbbbb", "app", digest('8'), digest('b'),
                Map.of("x86_64", REPO + "@" + digest('b'), "aarch64", REPO + "@" + digest('c')), T0, T0, Optional.empty(),
                Optional.empty()));
        Machine m = edge.machines().get(0);
        store.recordMachine(new MachineState(m.id(), Optional.of(digest('a')), Optional.of(T0), Optional.empty(),
                Optional.of(digest('b')), Optional.of(T0), Optional.empty(), Optional.empty()));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (delivery != null) delivery.close();
        if (store != null) store.close();
    }

    private RawHttp.Response get(String query, Map<String, String> headers) throws Exception {
        return RawHttp.send(server.address(), "GET", "/v1/graph" + (query.isEmpty() ? "" : "?" + query), headers, null);
    }

    private static final Map<String, String> ZINCATI = Map.of("accept", "application/json");

    /** Exactly what Zincati sends for machine {@code id} booted on {@code payload} (encoded as reqwest encodes). */
    private static String zincatiQuery(String id, String group, String payload) {
        return "basearch=x86_64&os_version=43.20260413.3.2.strata.aaaaaaaaaaaa&group=" + group + "&node_uuid=" + id
                + "&platform=metal&stream=stable&os_checksum=" + payload.replace("/", "%2F").replace(":", "%3A").replace("@", "%40")
                + "&oci=true&rollout_wariness=0.500000";
    }

    @Test
    void zincatisRequestGetsAJsonGraphWithStringOnlyMetadata() throws Exception {
        Machine m = edge.machines().get(0);
        RawHttp.Response r = get(zincatiQuery(m.id(), "edge", REPO + "@" + digest('a')), ZINCATI);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        JsonNode g = JSON.readTree(r.body());
        assertThat(g.fieldNames()).toIterable().containsExactly("nodes", "edges");
        assertThat(g.get("nodes")).hasSize(2);
        for (JsonNode n : g.get("nodes")) {
            assertThat(n.get("version").isTextual()).isTrue();
            assertThat(n.get("payload").isTextual()).isTrue();
            n.get("metadata").fields().forEachRemaining(f -> assertThat(f.getValue().isTextual()).as(f.getKey()).isTrue());
            assertThat(n.get("metadata").get("org.fedoraproject.coreos.scheme").asText()).isEqualTo("oci");
        }
        assertThat(g.get("nodes").get(1).get("metadata").get("org.fedoraproject.coreos.releases.age_index").asText()).isEqualTo("2");
        assertThat(g.get("edges").toString()).isEqualTo("[[0,1]]");
        // An arm64 machine (aarch64) sees only the release that has an aarch64 payload, as FCOS skips the others.
        Machine armMachine = edge.machines().get(1);
        RawHttp.Response arm = get(zincatiQuery(armMachine.id(), "edge", REPO + "@" + digest('c')).replace("x86_64", "aarch64"), ZINCATI);
        assertThat(JSON.readTree(arm.body()).get("nodes")).singleElement()
                .satisfies(n -> assertThat(n.get("payload").asText()).isEqualTo(REPO + "@" + digest('c')));
    }

    @Test
    void aMachineWhoseBasearchContradictsItsPlatformIsToldSoAndGetsNoGraph() throws Exception {
        Machine amd = edge.machines().get(0);
        RawHttp.Response r = get(zincatiQuery(amd.id(), "edge", REPO + "@" + digest('c')).replace("x86_64", "aarch64"), ZINCATI);
        assertThat(r.status()).isEqualTo(409);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("kind").asText()).isEqualTo("platform_mismatch");
        assertThat(body.get("value").asText()).contains("machine " + amd.name(), "linux/amd64 in the fleet",
                "Zincati reports basearch aarch64", "set its 'platform'");
        Machine arm = edge.machines().get(1);
        RawHttp.Response other = get(zincatiQuery(arm.id(), "edge", REPO + "@" + digest('a')), ZINCATI);
        assertThat(other.status()).isEqualTo(409);
        assertThat(JSON.readTree(other.body()).get("value").asText()).contains("linux/arm64 in the fleet", "basearch x86_64");
    }

    @Test
    void aMissingOrEmptyBasearchOrStreamIs400WithAnEmptyBodyAsTheFcosServerAnswers() throws Exception {
        String id = edge.machines().get(0).id();
        String full = zincatiQuery(id, "edge", REPO + "@" + digest('a'));
        for (String q : new String[] {full.replace("basearch=x86_64&", ""), full.replace("stream=stable", "stream="),
                full.replace("&stream=stable", ""), ""}) {
            RawHttp.Response r = get(q, ZINCATI);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.body()).as(q).isEmpty();
        }
    }

    @Test
    void badValuesGetKindAndValueAsZincatiDecodesErrors() throws Exception {
        String id = edge.machines().get(0).id();
        String full = zincatiQuery(id, "edge", REPO + "@" + digest('a'));
        Map<String, String> cases = Map.of(
                full.replace("node_uuid=" + id, "node_uuid=" + id.toUpperCase()), "invalid_request",
                full.replace("&node_uuid=" + id, ""), "invalid_request",
                full.replace("oci=true", "oci=yes"), "invalid_request",
                full.replace("rollout_wariness=0.500000", "rollout_wariness=2"), "invalid_request",
                full + "&basearch=aarch64", "invalid_request",
                full.replace("basearch=x86_64", "basearch=x86%0A64"), "invalid_request");
        for (var c : cases.entrySet()) {
            RawHttp.Response r = get(c.getKey(), ZINCATI);
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("kind").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(JSON.readTree(r.body()).get("value").asText()).isNotBlank();
        }
    }

    @Test
    void unknownMachinesWrongGroupsBootcMachinesAndOtherMediaTypesAreRefusedWithAKind() throws Exception {
        String stranger = "0123456789abcdef0123456789abcdef";
        RawHttp.Response unknown = get(zincatiQuery(stranger, "edge", REPO + "@" + digest('a')), ZINCATI);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("kind").asText()).isEqualTo("unknown_machine");
        Thread.sleep(300); // recorded by the writer thread, nobody waits for it
        assertThat(store.unknownMachines()).anySatisfy(u -> assertThat(u.id()).isEqualTo(stranger));

        RawHttp.Response wrongGroup = get(zincatiQuery(edge.machines().get(0).id(), "default", REPO + "@" + digest('a')), ZINCATI);
        assertThat(wrongGroup.status()).isEqualTo(409);
        assertThat(JSON.readTree(wrongGroup.body()).get("kind").asText()).isEqualTo("unknown_group");
        assertThat(JSON.readTree(wrongGroup.body()).get("value").asText()).contains("group = \"edge\"");

        RawHttp.Response bootc = get(zincatiQuery(dc.machines().get(0).id(), "dc", REPO + "@" + digest('a')), ZINCATI);
        assertThat(bootc.status()).isEqualTo(409);
        assertThat(JSON.readTree(bootc.body()).get("kind").asText()).isEqualTo("not_zincati");

        RawHttp.Response html = get(zincatiQuery(edge.machines().get(0).id(), "edge", REPO + "@" + digest('a')),
                Map.of("accept", "text/html"));
        assertThat(html.status()).isEqualTo(406);
        assertThat(JSON.readTree(html.body()).get("kind").asText()).isEqualTo("not_acceptable");

        RawHttp.Response post = RawHttp.send(server.address(), "POST", "/v1/graph", ZINCATI, new byte[0]);
        assertThat(post.status()).isEqualTo(405);
    }

    @Test
    void aMachineBootedFromOstreeGetsAnEmptyGraphAndIsReported() throws Exception {
        String id = edge.machines().get(0).id();
        String q = "basearch=x86_64&os_version=39.20240101.3.0&group=edge&node_uuid=" + id + "&platform=metal&stream=stable"
                + "&os_checksum=" + "0".repeat(64);
        RawHttp.Response r = get(q, ZINCATI);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"nodes\":[],\"edges\":[]}");
        delivery.close();
        assertThat(store.graphPolls()).singleElement().satisfies(p -> assertThat(p.kind().name()).isEqualTo("UNKNOWN_PAYLOAD"));
    }

    @Test
    void fleetLockTakesZincatisPrettyPrintedBodyWithoutContentTypeAndRefusesAMissingHeader() throws Exception {
        Machine m = edge.machines().get(0);
        // serde_json::to_string_pretty, as Zincati sends it; no Content-Type.
        byte[] body = ("{\n  \"client_params\": {\n    \"id\": \"" + m.id() + "\",\n    \"group\": \"edge\"\n  }\n}")
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Response ok = RawHttp.send(server.address(), "POST", "/v1/steady-state", Map.of("fleet-lock-protocol", "true"), body);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        RawHttp.Response missing = RawHttp.send(server.address(), "POST", "/v1/steady-state", Map.of(), body);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).get("kind").asText()).isEqualTo("invalid_client_identity");
    }
}
