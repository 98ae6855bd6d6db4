package dev.strata.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.MachineState;
import dev.strata.scenario.Scenario.Step;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.GraphPoll;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strata status on dc-east mid-rollout, set up through the state store API as delivery records it:
 * the canary done, the early wave updating with a FleetLock slot held, a holder that never came back,
 * and the next step as the planner sees it, inside the window and after it closed.
 */
class StatusInProgressTest {
    static final String DC_EAST_02 = "ea4ef04dcebc699c43ddf7f50a9eefd9";

    @TempDir
    Path dir;

    @Test
    void beforeAnyRolloutItSaysNoneStartedAndWhatTheFirstRollsOut() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        String[] args = {"--repo", repo.toString(), "--state", dir.resolve("state.db").toString(), "--now", Strata.NOW};

        Strata.Run fresh = Strata.run(Strata.plus(new String[]{"status"}, args));
        assertThat(fresh.exitCode()).as("%s", fresh).isZero();
        assertThat(fresh.out()).contains("""
                  dc-east (bootc, 10 machines): idle
                    target:   none yet, no rollout started: the first rolls out image dc-bonded, once it is built
                    machines: 10 waiting for the first rollout
                    wave canary  pending  1 machine(s), none released yet
                    wave early   pending  2 machine(s), none released yet
                    wave rest    pending  7 machine(s), none released yet
                    next:     … waiting for image 'dc-bonded' to be built
                """.stripTrailing()).doesNotContain("pending, 0 failed");

        World w = new World(repo, dir.resolve("state.db"));
        String built = w.buildAll(w.at("HEAD"), Instant.parse("2026-11-26T12:00:00Z")).get("dc-bonded");
        Strata.Run ready = Strata.run(Strata.plus(new String[]{"status"}, args));
        assertThat(ready.out()).contains("target:   none yet, no rollout started: the first rolls out image dc-bonded at " + built + "\n");
        JsonNode json = new ObjectMapper().readTree(Strata.run(Strata.plus(new String[]{"status", "--format", "json"}, args)).out());
        JsonNode group = json.get("groups").get(0);
        assertThat(group.get("rolloutStarted").asBoolean()).isFalse();
        assertThat(group.get("pending").asInt()).as("the counts stay for scripts").isEqualTo(10);

        assertThat(Strata.run(Strata.plus(new String[]{"reconcile"}, args)).exitCode()).isZero();
        Strata.Run started = Strata.run(Strata.plus(new String[]{"status"}, args));
        assertThat(started.out()).contains("target:   " + built + "   previous: -", "machines: 0 updated, 1 updating, 9 pending, 0 failed");
    }

    @Test
    void showsZincatiMachinesOnAPayloadStrataNeverPublished() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        Path state = dir.resolve("state.db");
        String hotfix = "quay.io/someone/else@sha256:" + "e".repeat(64);
        try (StateStore store = SqliteStateStore.open(state)) { // as serve records edge-01's and edge-02's polls
            store.recordGraphPoll(new GraphPoll("b158623dcefd60135a624a2a1e1e6ea0", "edge", Instant.parse("2026-11-27T00:20:00Z"),
                    "x86_64", "43.hotfix", hotfix, GraphPoll.Kind.UNKNOWN_PAYLOAD, java.util.OptionalLong.empty()));
            store.recordGraphPoll(new GraphPoll("31cf6a00819295de49b2eec542eaefe8", "edge", Instant.parse("2026-11-27T00:21:00Z"),
                    "x86_64", "43.20260413.3.2", "quay.io/fedora/fedora-coreos@sha256:" + "f".repeat(64), GraphPoll.Kind.STOCK_BASE,
                    java.util.OptionalLong.empty()));
        }
        String[] args = {"--repo", repo.toString(), "--state", state.toString(), "--now", Strata.NOW};
        Strata.Run text = Strata.run(Strata.plus(new String[]{"status"}, args));
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.out()).contains("    unknown:  edge-01 booted " + hotfix + " (version 43.hotfix, polled 2026-11-27T00:20:00Z),"
                + " which Strata never published for this group").doesNotContain("unknown:  edge-02");
        JsonNode json = new ObjectMapper().readTree(Strata.run(Strata.plus(new String[]{"status", "--format", "json"}, args)).out());
        JsonNode edge = json.get("groups").get(1);
        assertThat(edge.get("group").asText()).isEqualTo("edge");
        assertThat(edge.get("unknownPayloads")).singleElement().satisfies(u -> {
            assertThat(u.get("machine").asText()).isEqualTo("edge-01");
            assertThat(u.get("payload").asText()).isEqualTo(hotfix);
        });
        assertThat(json.get("groups").get(0).get("unknownPayloads")).isEmpty();
    }

    @Test
    void showsEachWaveTheLockHoldersAndWhyTheNextStepWaits() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        World w = new World(repo, dir.resolve("state.db"));
        World.At head = w.at("HEAD");
        String target = w.buildAll(head, Instant.parse("2026-11-26T12:00:00Z")).get("dc-bonded");
        String[] args = {"--repo", repo.toString(), "--state", w.state.toString()};

        // 00:30 the canary is released; it boots at 00:35 and has baked by 01:05, when early is released.
        assertThat(Strata.run(Strata.plus(new String[]{"reconcile", "--now", Strata.NOW}, args)).exitCode()).isZero();
        w.machinesBootWhatTheyWereReleasedFor(Instant.parse("2026-11-27T00:35:00Z"));
        Strata.Run early = Strata.run(Strata.plus(new String[]{"reconcile", "--now", "2026-11-27T01:06:00Z"}, args));
        assertThat(early.exitCode()).as("%s", early).isZero();
        assertThat(early.out()).contains("~ promote dc-east/early: wave early: release 1 machine(s)");
        try (StateStore store = SqliteStateStore.open(w.state)) {
            // dc-east-02 stages the target and takes a FleetLock slot to reboot.
            store.update(tx -> {
                tx.grantFleetLock(FleetLockHolder.granted("dc-east", DC_EAST_02, Instant.parse("2026-11-27T01:10:00Z")));
                MachineState m = tx.machine(DC_EAST_02).orElseThrow();
                tx.recordMachine(new MachineState(m.id(), m.booted(), m.bootedSince(), Optional.of(target), m.releasedDigest(),
                        m.releasedAt(), Optional.empty(), Optional.of(Instant.parse("2026-11-27T01:10:00Z"))));
            });
        }
        Strata.Run text = Strata.run(Strata.plus(new String[]{"status", "--now", "2026-11-27T01:20:00Z"}, args));
        assertThat(text.exitCode()).as("%s", text).isZero();
        assertThat(text.out()).contains("""
                  dc-east (bootc, 10 machines): rolling
                    target:   %s   previous: -
                    machines: 1 updated, 1 updating, 8 pending, 0 failed
                    wave canary  done     1/1 updated, 0 updating, 0 pending, 0 failed
                    wave early   rolling  0/2 updated, 1 updating, 1 pending, 0 failed
                    wave rest    pending  0/7 updated, 0 updating, 7 pending, 0 failed
                    lock:     dc-east-02 since 2026-11-27T01:10:00Z
                    next:     … wave early: disruption budget reached in every rack with machines left to update
                """.formatted(target), """
                    next:     … wave first: outside the maintenance windows; next opens 2026-11-29T03:00:00Z
                """);

        Strata.Run json = Strata.run(Strata.plus(new String[]{"status", "--now", "2026-11-27T01:20:00Z", "--format", "json"}, args));
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(doc.get("revision").asText()).isEqualTo(head.commit());
        assertThat(doc.get("at").asText()).isEqualTo("2026-11-27T01:20:00Z");
        JsonNode dcEast = doc.get("groups").get(0);
        assertThat(dcEast.get("group").asText()).isEqualTo("dc-east");
        assertThat(dcEast.get("status").asText()).isEqualTo("rolling");
        assertThat(dcEast.get("target").asText()).isEqualTo(target);
        assertThat(dcEast.get("previous").isNull()).isTrue();
        assertThat(dcEast.get("updated").asInt()).isEqualTo(1);
        assertThat(dcEast.get("updating").asInt()).isEqualTo(1);
        JsonNode earlyWave = dcEast.get("waves").get(1);
        assertThat(earlyWave.get("wave").asText()).isEqualTo("early");
        assertThat(earlyWave.get("phase").asText()).isEqualTo("rolling");
        assertThat(earlyWave.get("machines").asInt()).isEqualTo(2);
        JsonNode lock = dcEast.get("locks").get(0);
        assertThat(lock.get("machine").asText()).isEqualTo("dc-east-02");
        assertThat(lock.get("machineId").asText()).isEqualTo(DC_EAST_02);
        assertThat(lock.get("failed").asBoolean()).isFalse();
        assertThat(dcEast.get("next").get("action").asText()).isEqualTo("wait");
        assertThat(dcEast.get("next").get("cause").asText()).isEqualTo("disruption-budget");
        JsonNode edgeNext = doc.get("groups").get(1).get("next");
        assertThat(edgeNext.get("cause").asText()).isEqualTo("window");
        assertThat(edgeNext.get("until").asText()).isEqualTo("2026-11-29T03:00:00Z");

        // It never comes back: delivery marks its slot failed, and its update timeout (1h) passes.
        try (StateStore store = SqliteStateStore.open(w.state)) {
            store.update(tx -> tx.markFleetLockFailed(DC_EAST_02, Instant.parse("2026-11-27T02:10:00Z"), "no steady-state within 1h"));
        }
        Strata.Run later = Strata.run(Strata.plus(new String[]{"status", "--now", "2026-11-27T02:30:00Z"}, args));
        assertThat(later.out()).contains("""
                    machines: 1 updated, 0 updating, 8 pending, 1 failed
                    wave canary  done     1/1 updated, 0 updating, 0 pending, 0 failed
                    wave early   rolling  0/2 updated, 0 updating, 1 pending, 1 failed
                    wave rest    pending  0/7 updated, 0 updating, 7 pending, 0 failed
                    lock:     dc-east-02 since 2026-11-27T01:10:00Z, FAILED at 2026-11-27T02:10:00Z: %s
                    next:     ! 1 machine(s) failed to update to %s (dc-east-02); halted
                """.formatted("no steady-state within 1h (release it with 'strata rollout release-lock dc-east dc-east-02')", target.substring(0, 19)));
        Strata.Run laterJson = Strata.run(Strata.plus(new String[]{"status", "--now", "2026-11-27T02:30:00Z", "--format", "json"}, args));
        JsonNode failedLock = new ObjectMapper().readTree(laterJson.out()).get("groups").get(0).get("locks").get(0);
        assertThat(failedLock.get("failed").asBoolean()).isTrue();
        assertThat(failedLock.get("failedAt").asText()).isEqualTo("2026-11-27T02:10:00Z");
        assertThat(failedLock.get("failure").asText()).isEqualTo("no steady-state within 1h");
    }
}
