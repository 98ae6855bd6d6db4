package dev.strata.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.plan.Planner;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.MachineRollback;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.strata.delivery.TestFleet.NEW;
import static dev.strata.delivery.TestFleet.NEWER;
import static dev.strata.delivery.TestFleet.OLD;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent's endpoints against a real state file: tokens, targets, both status shapes, rollbacks nobody ordered. */
class MachineEndpointsTest {
    static final Instant T = Instant.parse("2026-11-27T00:30:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private StateStore store;
    private Delivery delivery;
    private MachineEndpoints endpoints;
    private final MovableClock clock = new MovableClock(T);
    private final MachineGroup group = TestFleet.group("dc-east").build();
    private final Machine m = group.machines().get(0);
    private String token;
    private final RecordingEvents events = new RecordingEvents();

    private void start(DesiredView view) {
        store = SqliteStateStore.open(dir.resolve("state.db"));
        delivery = new Delivery(store, clock, () -> Optional.of(view), events);
        endpoints = delivery.machines();
        Tokens.Issued issued = Tokens.issue(m.id(), T);
        store.recordMachineToken(issued.record());
        token = issued.token();
    }

    @AfterEach
    void close() {
        if (delivery != null) delivery.close();
        if (store != null) store.close();
    }

    @Test
    void onlyTheMachinesCurrentTokenIsAccepted() {
        start(TestFleet.view(group));
        assertThat(endpoints.target(m.id(), Optional.of(token)).status()).isEqualTo(200);
        Reply missing = endpoints.target(m.id(), Optional.empty());
        Reply wrong = endpoints.target(m.id(), Optional.of(token + "x"));
        Reply otherMachine = endpoints.target(group.machines().get(1).id(), Optional.of(token));
        Reply unknownId = endpoints.target("0123456789abcdef0123456789abcdef", Optional.of(token));
        Reply garbled = endpoints.target(m.id(), Optional.of("two words"));
        for (Reply r : List.of(missing, wrong, otherMachine, unknownId, garbled)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json()).as("the same answer whether the id exists or not").isEqualTo(wrong.json());
        }
        assertThat(wrong.json()).startsWith("{\"kind\":\"unauthorized\"").doesNotContain(token);

        // A new token replaces the old one at once.
        Tokens.Issued next = Tokens.issue(m.id(), T.plusSeconds(1));
        store.recordMachineToken(next.record());
        assertThat(endpoints.target(m.id(), Optional.of(token)).status()).isEqualTo(401);
        assertThat(endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, null)).status()).isEqualTo(401);
        assertThat(endpoints.target(m.id(), Optional.of(next.token())).status()).isEqualTo(200);
        assertThat(store.machineToken(m.id()).orElseThrow().sha256()).isEqualTo(Tokens.sha256(next.token()))
                .doesNotContain(next.token());
        assertThat(next.toString()).doesNotContain(next.token());
    }

    @Test
    void unknownIdsAreRecordedAndTheirReportsNotStored() {
        start(TestFleet.view(group));
        String stranger = "0123456789abcdef0123456789abcdef";
        assertThat(endpoints.status(stranger, Optional.of("whatever"), StatusDocs.bootc(NEW, null, null)).status()).isEqualTo(401);
        assertThat(endpoints.target(stranger, Optional.of("whatever")).status()).isEqualTo(401);
        delivery.close();
        assertThat(store.unknownMachines()).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(stranger);
            assertThat(u.count()).isEqualTo(2);
        });
        assertThat(store.machines()).isEmpty();
    }

    @Test
    void aMachineRemovedFromTheFleetWithItsTokenStillValidIsToldItIsUnknown() {
        start(TestFleet.view(TestFleet.group("edge").build()));
        Reply r = endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, null, null));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json()).startsWith("{\"kind\":\"unknown_machine\"");
        assertThat(store.machine(m.id())).isEmpty();
    }

    @Test
    void malformedRequestsAreRefusedAndChangeNothing() {
        start(TestFleet.view(group));
        assertThat(endpoints.target("not-an-id", Optional.of(token)).json()).startsWith("{\"kind\":\"invalid_request\"")
                .contains("32 lowercase hex digits");
        Reply bad = endpoints.status(m.id(), Optional.of(token), "{\"deployments\":[{\"booted\":1}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json()).startsWith("{\"kind\":\"invalid_request\"").contains("deployments[0].booted");
        assertThat(endpoints.status(m.id(), Optional.of(token), new byte[0]).status()).isEqualTo(400);
        Reply huge = endpoints.status(m.id(), Optional.of(token), new byte[StatusParser.MAX_BYTES + 1]);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json()).startsWith("{\"kind\":\"body_too_large\"");
        assertThat(store.machines()).isEmpty();
    }

    @Test
    void theTargetIsTheReleasedDigestInTheImagesRepository() throws Exception {
        start(TestFleet.view(group));
        JsonNode before = JSON.readTree(endpoints.target(m.id(), Optional.of(token)).json());
        assertThat(before.get("image").isNull()).isTrue();
        assertThat(before.get("digest").isNull()).isTrue();
        assertThat(before.get("group").asText()).isEqualTo("dc-east");
        assertThat(before.get("connectivity").toString()).isEqualTo("{\"timeoutSeconds\":600,\"checks\":[]}");

        TestFleet.release(store, m, NEW, T);
        JsonNode after = JSON.readTree(endpoints.target(m.id(), Optional.of(token)).json());
        assertThat(after.get("id").asText()).isEqualTo(m.id());
        assertThat(after.get("image").asText()).isEqualTo("registry.test/fleet/app@" + NEW);
        assertThat(after.get("digest").asText()).isEqualTo(NEW);
    }

    @Test
    void connectivityComesFromTheGroupsAgentSettings() throws Exception {
        MachineGroup withChecks = TestFleet.group("dc-east").agent(new dev.strata.spec.Agent(true, Duration.ofSeconds(90), List.of(
                new dev.strata.spec.Agent.Check(dev.strata.spec.Agent.Check.Type.HTTP, "https://gw.example.internal/healthz"),
                new dev.strata.spec.Agent.Check(dev.strata.spec.Agent.Check.Type.TCP, "10.0.0.1:53")))).build();
        start(TestFleet.view(withChecks));
        assertThat(JSON.readTree(endpoints.target(m.id(), Optional.of(token)).json()).get("connectivity").toString())
                .isEqualTo("{\"timeoutSeconds\":90,\"checks\":[{\"http\":\"https://gw.example.internal/healthz\"},"
                        + "{\"tcp\":\"10.0.0.1:53\"}]}");
    }

    @Test
    void theRunsRegistryOverrideNamesTheRepositoryAndNoRegistryMeansNoTarget() throws Exception {
        start(DesiredView.of("c0ffee", TestFleet.fleet(Optional.of("registry.test/fleet"), group), Optional.of("127.0.0.1:5000/mine/")));
        TestFleet.release(store, m, NEW, T);
        assertThat(JSON.readTree(endpoints.target(m.id(), Optional.of(token)).json()).get("image").asText())
                .isEqualTo("127.0.0.1:5000/mine/app@" + NEW);
        delivery.close();
        store.close();

        start(DesiredView.of("c0ffee", TestFleet.fleet(Optional.empty(), group), Optional.empty()));
        assertThat(JSON.readTree(endpoints.target(m.id(), Optional.of(token)).json()).get("image").isNull())
                .as("images in OCI archives cannot be pulled").isTrue();
    }

    @Test
    void aBootcReportRecordsBootedStagedAndRollbackAndBootedSinceMovesOnlyWithBooted() {
        start(TestFleet.view(group));
        TestFleet.release(store, m, NEW, T);
        assertThat(endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, NEW, NEWER)))
                .isEqualTo(Reply.ok("{\"recorded\":true}"));
        MachineState first = store.machine(m.id()).orElseThrow();
        assertThat(first.booted()).contains(OLD);
        assertThat(first.bootedSince()).as("booted did not change").contains(T.minusSeconds(86400));
        assertThat(first.staged()).contains(NEW);
        assertThat(first.releasedDigest()).as("what apply wrote stays").contains(NEW);
        assertThat(first.lastReport()).contains(T);
        assertThat(store.machineRollback(m.id()).orElseThrow().rollback()).contains(NEWER);

        clock.advance(Duration.ofMinutes(5));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, null, OLD));
        MachineState second = store.machine(m.id()).orElseThrow();
        assertThat(second.booted()).contains(NEW);
        assertThat(second.bootedSince()).contains(clock.instant());
        assertThat(second.staged()).isEmpty();
        assertThat(second.failure()).isEmpty();

        clock.advance(Duration.ofMinutes(5));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, null, OLD));
        assertThat(store.machine(m.id()).orElseThrow().bootedSince()).as("unchanged").isEqualTo(second.bootedSince());
        assertThat(store.machine(m.id()).orElseThrow().lastReport()).contains(clock.instant());
        assertThat(delivery.stats().reportsAccepted()).isEqualTo(3);
    }

    @Test
    void anRpmOstreeReportIsRecordedTheSameWay() {
        start(TestFleet.view(group));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.rpmOstree(NEW, NEWER, OLD));
        assertThat(store.machine(m.id()).orElseThrow().booted()).contains(NEW);
        assertThat(store.machine(m.id()).orElseThrow().staged()).contains(NEWER);
        assertThat(store.machineRollback(m.id()).orElseThrow().rollback()).contains(OLD);
    }

    @Test
    void aRollbackStrataDidNotOrderBecomesTheMachinesFailureAndThePlannerHalts() {
        start(TestFleet.view(group));
        TestFleet.release(store, m, NEW, T);
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, NEW, null)); // staged, not rebooted yet
        assertThat(store.machine(m.id()).orElseThrow().failure()).isEmpty();

        // It booted NEW, could not reach Strata, and rolled itself back: OLD booted, NEW the rollback deployment.
        clock.advance(Duration.ofMinutes(12));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, NEW));
        MachineState s = store.machine(m.id()).orElseThrow();
        assertThat(s.failure().orElseThrow()).startsWith("rolled back on its own from sha256:1111111111").contains("to sha256:000000");
        assertThat(store.machineRollback(m.id())).contains(new MachineRollback(m.id(), Optional.of(NEW), Optional.of(NEW),
                Optional.of(clock.instant())));
        assertThat(events.lines).singleElement().asString().startsWith("unordered rollback: dc-east " + m.id() + ": rolled back");
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, NEW));
        assertThat(events.lines).as("told once").hasSize(1);

        // The planner's failure policy (one failure halts) reads it.
        Build built = new Build("app", "sha256:" + "a".repeat(64), NEW, "registry.test/fleet/app@" + NEW, "c0ffee",
                TestFleet.digest('b'), Optional.empty(), T.minusSeconds(3600));
        store.recordBuild(built);
        store.saveGroup(new GroupState("dc-east", Optional.of(NEW), Optional.of(OLD), Optional.of(T), GroupState.Status.ROLLING,
                Set.of(), false));
        Desired desired = new Desired(TestFleet.view(group).fleet(), "c0ffee",
                Map.of("app", new InputsDigest("app", built.inputsDigest(), TestFleet.digest('b'), List.of())));
        List<Action> actions = Planner.plan(desired, store.snapshot().observed(Map.of()), clock.instant()).actions();
        assertThat(actions).filteredOn(a -> a.subject().equals("dc-east")).singleElement()
                .isInstanceOfSatisfying(Action.Hold.class, h -> assertThat(h.cause()).isEqualTo(Action.HoldCause.FAILURE_POLICY));
    }

    @Test
    void aMachineThatHadBootedTheReleaseAndIsBackOnThePreviousRolledBackToo() {
        start(TestFleet.view(group));
        TestFleet.release(store, m, NEW, T);
        endpoints.status(m.id(), Optional.of(token), StatusDocs.rpmOstree(NEW, null, OLD));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.rpmOstree(OLD, null, null));
        assertThat(store.machine(m.id()).orElseThrow().failure()).isPresent();
        assertThat(store.machineRollback(m.id()).orElseThrow().rolledBackOnItsOwn()).isTrue();
    }

    @Test
    void aRollbackStrataOrderedIsNoFailure() {
        start(TestFleet.view(group));
        // The machine ran NEW; the planner rolled the group back and released it for OLD.
        store.recordMachine(new MachineState(m.id(), Optional.of(NEW), Optional.of(T), Optional.empty(), Optional.of(OLD),
                Optional.of(T), Optional.empty(), Optional.of(T)));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, NEW));
        assertThat(store.machine(m.id()).orElseThrow().failure()).isEmpty();
        assertThat(store.machineRollback(m.id()).orElseThrow().rolledBackOnItsOwn()).isFalse();
    }

    @Test
    void aMachineReleasedBackToItsRollbackDeploymentIsNoFailureWhileItStagesAndReboots() {
        start(TestFleet.view(group));
        store.recordMachine(new MachineState(m.id(), Optional.of(NEW), Optional.of(T), Optional.empty(), Optional.of(NEW),
                Optional.of(T), Optional.empty(), Optional.of(T)));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, null, OLD));
        // The planner rolled the group back: released for OLD, which is its rollback deployment already.
        store.recordMachine(new MachineState(m.id(), Optional.of(NEW), Optional.of(T), Optional.empty(), Optional.of(OLD),
                Optional.of(T), Optional.empty(), Optional.of(T)));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, null, OLD));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(NEW, OLD, OLD)); // staged, waiting for its slot
        assertThat(store.machine(m.id()).orElseThrow().failure()).isEmpty();
        assertThat(store.machineRollback(m.id()).orElseThrow().rolledBackOnItsOwn()).isFalse();
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, NEW));
        assertThat(store.machine(m.id()).orElseThrow().failure()).isEmpty();
        assertThat(store.machine(m.id()).orElseThrow().booted()).contains(OLD);
    }

    @Test
    void aNewReleaseClearsTheRolledBackMark() {
        start(TestFleet.view(group));
        TestFleet.release(store, m, NEW, T);
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, null, NEW));
        assertThat(store.machineRollback(m.id()).orElseThrow().rolledBackOnItsOwn()).isTrue();
        // A fix is committed and the machine released for NEWER (apply clears the failure).
        store.recordMachine(new MachineState(m.id(), Optional.of(OLD), Optional.of(T), Optional.empty(), Optional.of(NEWER),
                Optional.of(T.plusSeconds(60)), Optional.empty(), Optional.of(T)));
        endpoints.status(m.id(), Optional.of(token), StatusDocs.bootc(OLD, NEWER, NEW));
        assertThat(store.machine(m.id()).orElseThrow().failure()).isEmpty();
        assertThat(store.machineRollback(m.id()).orElseThrow().rolledBackOnItsOwn()).isFalse();
    }
}
