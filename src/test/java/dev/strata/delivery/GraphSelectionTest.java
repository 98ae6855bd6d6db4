package dev.strata.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;
import dev.strata.spec.FleetSpec;
import dev.strata.state.GraphPoll;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.ZincatiRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.delivery.TestFleet.digest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graph a machine gets, read with Zincati's own selection rule (testing.ZincatiRule): the release it
 * picks is the one Strata's waves and decisions released it for, never a newer one, never a downgrade.
 * A zincati group "edge" of four machines: wave "first" (two, site north), then "all".
 */
class GraphSelectionTest {
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
    static final String REPO = "registry.test/fleet/app";
    static final String A = digest('a'), B = digest('b'), C = digest('c'), D = digest('d');
    static final String STOCK = "quay.io/fedora/fedora-coreos@" + digest('f');

    @TempDir
    Path dir;

    private StateStore store;
    private Delivery delivery;
    private final AtomicReference<Optional<DesiredView>> view = new AtomicReference<>(Optional.empty());
    private MachineGroup edge;

    private void start(List<String> barriers) {
        List<Machine> machines = List.of(TestFleet.machine("edge", 0, Map.of("site", "north")),
                TestFleet.machine("edge", 1, Map.of("site", "north")), TestFleet.machine("edge", 2, Map.of("site", "south")),
                TestFleet.machine("edge", 3, Map.of("site", "south")));
        Rollout r = new Rollout(List.of(new Wave("first", List.of(), Map.of("site", "north"), OptionalInt.empty(), 100),
                new Wave("all", List.of(), Map.of(), OptionalInt.of(100), 100)), new Quantity(25, true), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ZERO, ZoneId.of("UTC"), List.of(), false, Rollout.DEFAULT_UPDATE_TIMEOUT,
                Rollout.FailurePolicy.DEFAULT);
        edge = new MachineGroup("edge", "app", MachineGroup.Delivery.ZINCATI, machines, r, new Origin("groups/edge.yaml", 0));
        FleetSpec base = TestFleet.fleet(Optional.of(TestFleet.REGISTRY), edge);
        Stream s = base.streams().get(0);
        Stream withBarriers = new Stream(s.name(), s.image(), s.tag(), s.pin(), s.version(), barriers, s.deadEnds(),
                s.updateMetadata(), s.origin());
        FleetSpec fleet = new FleetSpec(base.fleet(), List.of(withBarriers), base.images(), base.groups());
        store = SqliteStateStore.open(dir.resolve("state.db"));
        view.set(Optional.of(DesiredView.of("c0ffee", fleet, Optional.empty())));
        delivery = new Delivery(store, java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC), view::get);
    }

    @AfterEach
    void close() {
        if (delivery != null) delivery.close();
        if (store != null) store.close();
    }

    private Machine m(int i) {
        return edge.machines().get(i);
    }

    private static Release release(long age, String digest, String baseVersion) {
        return new Release("edge", age, baseVersion + ".strata." + digest.substring(7, 19) + (age > 3 ? ".r" + age : ""), "app",
                "sha256:" + "1".repeat(63) + age, digest, Map.of("x86_64", REPO + "@" + digest), T0.plusSeconds(age * 3600),
                T0.plusSeconds(age * 3600), Optional.empty(), Optional.empty());
    }

    private void released(Machine m, String booted, String releasedFor) {
        store.recordMachine(new MachineState(m.id(), Optional.of(booted), Optional.of(T0), Optional.empty(),
                Optional.ofNullable(releasedFor), Optional.of(T0), Optional.empty(), Optional.empty()));
    }

    /** The query Zincati builds (Identity::cincinnati_params), form-urlencoded as reqwest does. */
    static String query(Machine m, String group, String osVersion, String payload) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("basearch", "x86_64");
        p.put("os_version", osVersion);
        p.put("group", group);
        p.put("node_uuid", m.id());
        p.put("platform", "metal");
        p.put("stream", "stable");
        p.put("os_checksum", payload);
        p.put("oci", "true");
        StringBuilder b = new StringBuilder();
        p.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    private Optional<ZincatiRule.Node> pick(Machine m, String booted, Set<String> denylist) throws Exception {
        Reply reply = delivery.graph().graph(query(m, "edge", "43.20260413.3.2", booted), Optional.of("application/json"));
        assertThat(reply.status()).as(reply.json()).isEqualTo(200);
        return ZincatiRule.select(ZincatiRule.decode(reply.json()), booted, denylist, false);
    }

    private static String payload(String digest) {
        return REPO + "@" + digest;
    }

    @Test
    void machinesOfThePromotedWaveTakeTheNewReleaseAndTheOthersStay() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        store.recordRelease(release(2, B, "43.20260413.3.2"));
        released(m(0), A, B);
        released(m(1), A, B);
        released(m(2), A, A);
        released(m(3), A, A);

        assertThat(pick(m(0), payload(A), Set.of())).map(ZincatiRule.Node::payload).contains(payload(B));
        assertThat(pick(m(1), payload(A), Set.of())).map(ZincatiRule.Node::payload).contains(payload(B));
        assertThat(pick(m(2), payload(A), Set.of())).isEmpty();
        assertThat(pick(m(3), payload(A), Set.of())).isEmpty();
        // Once there, nothing newer is offered, and the older release is never picked (no downgrade).
        assertThat(pick(m(0), payload(B), Set.of(payload(A)))).isEmpty();
    }

    @Test
    void aMachineNotReleasedForAnythingSeesNoEdgeAtAll() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        released(m(2), A, null);
        Reply reply = delivery.graph().graph(query(m(2), "edge", "43", payload(A)), Optional.empty());
        ZincatiRule.Graph g = ZincatiRule.decode(reply.json());
        assertThat(g.nodes()).extracting(ZincatiRule.Node::payload).containsExactly(payload(A));
        assertThat(g.edges()).isEmpty();
    }

    @Test
    void afterARollbackTheBadReleaseIsADeadEndAndItsMachinesMoveForwardToTheRepublishedOne() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        store.recordRelease(release(2, B, "43.20260413.3.2"));
        // The rollback: B is a dead end, A's content is published again as C, the machines that took B go to C.
        store.recordRelease(release(3, C, "43.20260413.3.2"));
        store.markReleaseDeadEnd("edge", 2, "rolled back after failures");
        released(m(0), B, C);
        released(m(1), A, C); // released for B but never took it: it goes to C as well
        released(m(2), A, A);

        assertThat(pick(m(0), payload(B), Set.of(payload(A)))).map(ZincatiRule.Node::payload).contains(payload(C));
        assertThat(pick(m(1), payload(A), Set.of())).map(ZincatiRule.Node::payload).contains(payload(C));
        assertThat(pick(m(2), payload(A), Set.of())).isEmpty();
        ZincatiRule.Graph g = ZincatiRule.decode(delivery.graph().graph(query(m(0), "edge", "43", payload(B)), Optional.empty()).json());
        ZincatiRule.Node bad = g.nodes().stream().filter(n -> n.payload().equals(payload(B))).findFirst().orElseThrow();
        assertThat(bad.deadEnd()).isTrue();
        assertThat(bad.metadata()).containsEntry("org.fedoraproject.coreos.updates.deadend_reason", "rolled back after failures");
        int badIndex = g.nodes().indexOf(bad);
        assertThat(g.edges()).noneMatch(e -> e[1] == badIndex);
        // The republish has the higher age index: Zincati sees an upgrade, not the downgrade to A it would refuse.
        assertThat(pick(m(0), payload(B), Set.of(payload(A))).orElseThrow().ageIndex()).isEqualTo(3);
    }

    @Test
    void aStockFcosMachineSeesItsBaseAndAnEdgeToTheDerivedImage() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        released(m(0), digest('f'), A);
        Reply reply = delivery.graph().graph(query(m(0), "edge", "43.20260413.3.2", STOCK), Optional.of("application/json"));
        ZincatiRule.Graph g = ZincatiRule.decode(reply.json());
        assertThat(g.nodes().get(0).payload()).isEqualTo(STOCK);
        assertThat(g.nodes().get(0).ageIndex()).isZero();
        assertThat(ZincatiRule.select(g, STOCK, Set.of(), false)).map(ZincatiRule.Node::payload).contains(payload(A));
        // Before its wave is released, it stays on stock FCOS.
        released(m(2), digest('f'), null);
        assertThat(ZincatiRule.select(ZincatiRule.decode(delivery.graph().graph(query(m(2), "edge", "43", STOCK),
                Optional.empty()).json()), STOCK, Set.of(), false)).isEmpty();
        // A payload in another repository is not the stream's base: an unknown payload, refused and reported.
        String other = "quay.io/someone/else@" + digest('e');
        assertThat(delivery.graph().graph(query(m(0), "edge", "43", other), Optional.empty()).status()).isEqualTo(409);
        delivery.close();
        assertThat(store.graphPolls()).extracting(GraphPoll::machineId, GraphPoll::kind)
                .contains(org.assertj.core.groups.Tuple.tuple(m(0).id(), GraphPoll.Kind.UNKNOWN_PAYLOAD),
                        org.assertj.core.groups.Tuple.tuple(m(2).id(), GraphPoll.Kind.STOCK_BASE));
        delivery = null;
    }

    @Test
    void aMachineOnAPayloadStrataNeverPublishedGetsAClearErrorAndIsCountedPerGroup() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        released(m(0), A, A);
        released(m(1), A, A);
        assertThat(delivery.stats().unknownPayloads()).containsExactly(Map.entry("edge", 0L));

        // Rebased by hand onto an image built elsewhere, and onto an unpublished build in the group's own repository.
        for (String booted : new String[] {"quay.io/someone/else@" + C, payload(D)}) {
            Reply reply = delivery.graph().graph(query(m(0), "edge", "43.hotfix", booted), Optional.of("application/json"));
            assertThat(reply.status()).isEqualTo(409);
            JsonNode error = new ObjectMapper().readTree(reply.json());
            assertThat(error.get("kind").asText()).isEqualTo("unknown_payload");
            assertThat(error.get("value").asText()).contains("booted " + booted, "no release of group edge",
                    "rpm-ostree rebase ostree-unverified-registry:" + payload(A));
        }
        assertThat(delivery.stats().unknownPayloads()).containsExactly(Map.entry("edge", 1L));

        // Back on the release (by hand): it gets its graph again and is no longer counted.
        assertThat(pick(m(0), payload(A), Set.of())).isEmpty();
        assertThat(delivery.stats().unknownPayloads()).containsExactly(Map.entry("edge", 0L));
        Reply never = delivery.graph().graph(query(m(3), "edge", "43.hotfix", payload(D)), Optional.empty());
        assertThat(never.json()).as("a machine not released yet is told to wait for its wave").contains("once its wave is released");
        delivery.close();
        assertThat(store.graphPolls()).extracting(GraphPoll::machineId, GraphPoll::kind)
                .contains(org.assertj.core.groups.Tuple.tuple(m(0).id(), GraphPoll.Kind.RELEASE),
                        org.assertj.core.groups.Tuple.tuple(m(3).id(), GraphPoll.Kind.UNKNOWN_PAYLOAD));
        delivery = null;
    }

    @Test
    void barriersArePassedThroughByDerivedAndStockMachinesAlike() throws Exception {
        start(List.of("41.20250101.3.0"));
        Release r1 = release(1, A, "40.20241201.3.0");
        Release r2 = new Release("edge", 2, "41.20250101.3.0.strata.bbbbbbbbbbbb", "app", "sha256:" + "2".repeat(64), B,
                Map.of("x86_64", payload(B)), T0.plusSeconds(7200), T0.plusSeconds(7200), Optional.of("generic"), Optional.empty());
        Release r3 = release(3, C, "42.20250301.3.0");
        store.recordRelease(r1);
        store.recordRelease(r2);
        store.recordRelease(r3);
        released(m(0), A, C);
        released(m(1), B, C);
        released(m(2), digest('f'), C);
        assertThat(pick(m(0), payload(A), Set.of())).map(ZincatiRule.Node::payload).contains(payload(B));
        assertThat(pick(m(1), payload(B), Set.of(payload(A)))).map(ZincatiRule.Node::payload).contains(payload(C));
        // A stock machine from before the barrier goes to the release built on it first.
        Reply stock = delivery.graph().graph(query(m(2), "edge", "40.20241201.3.0", STOCK), Optional.empty());
        assertThat(ZincatiRule.select(ZincatiRule.decode(stock.json()), STOCK, Set.of(), false))
                .map(ZincatiRule.Node::payload).contains(payload(B));
        ZincatiRule.Node barrier = ZincatiRule.decode(stock.json()).nodes().stream().filter(n -> n.payload().equals(payload(B)))
                .findFirst().orElseThrow();
        assertThat(barrier.metadata()).containsEntry("org.fedoraproject.coreos.updates.barrier", "true")
                .containsEntry("org.fedoraproject.coreos.updates.barrier_reason", "generic");
        // One booted past the barrier goes straight to the newest.
        Reply past = delivery.graph().graph(query(m(2), "edge", "41.20250201.3.0", STOCK), Optional.empty());
        assertThat(ZincatiRule.select(ZincatiRule.decode(past.json()), STOCK, Set.of(), false))
                .map(ZincatiRule.Node::payload).contains(payload(C));
    }

    @Test
    void everyPollRecordsWhatTheMachineBooted() throws Exception {
        start(List.of());
        store.recordRelease(release(1, A, "43.20260413.3.2"));
        store.recordRelease(release(2, B, "43.20260413.3.2"));
        released(m(0), A, B);
        pick(m(0), payload(B), Set.of());
        delivery.close();
        delivery = null;
        MachineState s = store.machine(m(0).id()).orElseThrow();
        assertThat(s.booted()).contains(B);
        assertThat(s.bootedSince()).contains(T0);
        assertThat(s.lastReport()).contains(T0);
        assertThat(s.releasedDigest()).contains(B);
        assertThat(store.graphPolls()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(GraphPoll.Kind.RELEASE);
            assertThat(p.releaseAge()).hasValue(2);
            assertThat(p.payload()).isEqualTo(payload(B));
        });
    }
}
