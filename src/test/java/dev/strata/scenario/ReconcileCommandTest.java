package dev.strata.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.scenario.Scenario.Step;
import dev.strata.state.RunLock;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strata reconcile through the command line, on the example fleet in a real repository with a real
 * state file: its lines, its JSON report, and every exit code docs/cli.md promises. Builds are recorded
 * as done (World) except where a build must fail.
 */
class ReconcileCommandTest {
    static final String DC_EAST_01 = "5a38c7243b581f6fa33acc35d74b7264";

    @TempDir
    Path dir;

    private World world(Step upTo) throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(upTo, repo).repo.close();
        return new World(repo, dir.resolve("state.db"));
    }

    private static String[] args(World w, String... more) {
        List<String> a = new ArrayList<>(List.of("reconcile", "--repo", w.repo.toString(), "--state", w.state.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void releasesTheCanaryThenHasNothingToDo() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        World.At head = w.at("HEAD");
        String target = w.buildAll(head, Instant.parse("2026-11-26T12:00:00Z")).get("dc-bonded");

        Strata.Run first = Strata.run(args(w, "--now", Strata.NOW, "--detailed-exitcode"));
        assertThat(first.exitCode()).as("%s", first).isEqualTo(2);
        assertThat(first.out()).contains(
                "~ promote dc-east/canary: wave canary: release 1 machine(s) to " + target.substring(0, 19) + "\n",
                "= noop dc-bonded: up to date: ",
                "… wait edge/first: outside the maintenance windows; next opens 2026-11-29T03:00:00Z\n",
                "= noop edge-wifi: up to date: ", "= noop dc-kmod: up to date: ", // fleet-example's images no group runs
                "Reconcile: " + head.commit() + "; 0 built, 1 promoted, 0 rolled back, 0 halted, 0 failed; 1 waiting, 0 held, 4 up to date");
        try (StateStore store = SqliteStateStore.open(w.state)) {
            assertThat(store.machine(DC_EAST_01).orElseThrow().releasedDigest()).contains(target);
        }

        Strata.Run again = Strata.run(args(w, "--now", "2026-11-27T00:31:00Z", "--detailed-exitcode"));
        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(again.out()).contains("… wait dc-east/canary: wave canary: waiting for 1 machine(s) to boot");
    }

    @Test
    void jsonReportsEveryActionWithWhatWasDone() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        World.At head = w.at("HEAD");
        String target = w.buildAll(head, Instant.parse("2026-11-26T12:00:00Z")).get("dc-bonded");

        Strata.Run run = Strata.run(args(w, "--now", Strata.NOW, "--format", "json"));
        assertThat(run.exitCode()).as("%s", run).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(json.get("result").asText()).isEqualTo("reconciled");
        assertThat(json.get("revision").asText()).isEqualTo(head.commit());
        assertThat(json.get("startedAt").asText()).isEqualTo(Strata.NOW);
        assertThat(json.get("durationMs").isIntegralNumber()).isTrue();
        assertThat(json.get("summary").get("promoted").asInt()).isEqualTo(1);
        assertThat(json.get("summary").get("waiting").asInt()).isEqualTo(1);
        assertThat(json.get("notes").isArray()).isTrue();
        JsonNode promote = action(json, "promote", "dc-east");
        assertThat(promote.get("status").asText()).isEqualTo("applied");
        assertThat(promote.get("wave").asText()).isEqualTo("canary");
        assertThat(promote.get("toDigest").asText()).isEqualTo(target);
        assertThat(promote.get("machines").get(0).asText()).isEqualTo("dc-east-01");
        JsonNode wait = action(json, "wait", "edge");
        assertThat(wait.get("status").asText()).isEqualTo("unchanged");
        assertThat(wait.get("cause").asText()).isEqualTo("window");
        assertThat(wait.get("until").asText()).isEqualTo("2026-11-29T03:00:00Z");
        assertThat(action(json, "noop", "dc-bonded").get("status").asText()).isEqualTo("unchanged");
    }

    @Test
    void aHaltedGroupExits3AndIsRecordedOnce() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        w.buildAll(w.at("HEAD"), Instant.parse("2026-11-26T12:00:00Z"));
        assertThat(Strata.run(args(w, "--now", Strata.NOW)).exitCode()).isZero();
        try (StateStore store = SqliteStateStore.open(w.state)) {
            MachineState m = store.machine(DC_EAST_01).orElseThrow();
            store.recordMachine(new MachineState(m.id(), m.booted(), m.bootedSince(), m.staged(), m.releasedDigest(), m.releasedAt(),
                    Optional.of("bootc switch failed"), Optional.of(Instant.parse("2026-11-27T00:40:00Z"))));
        }

        Strata.Run halted = Strata.run(args(w, "--now", "2026-11-27T00:45:00Z", "--detailed-exitcode"));
        assertThat(halted.exitCode()).as("%s", halted).isEqualTo(3);
        assertThat(halted.out()).contains("! hold dc-east: 1 machine(s) failed to update to", "1 halted");
        Strata.Run stillHalted = Strata.run(args(w, "--now", "2026-11-27T00:50:00Z"));
        assertThat(stillHalted.exitCode()).isEqualTo(3);
        try (StateStore store = SqliteStateStore.open(w.state)) {
            assertThat(store.group("dc-east").orElseThrow().status()).isEqualTo(GroupState.Status.HALTED);
            assertThat(store.history(Optional.of("dc-east"), 10)).filteredOn(h -> h.kind().equals("hold")).hasSize(1);
        }
    }

    @Test
    void invalidSpecsExit65AndChangeNothing() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        Scenario s = Scenario.upTo(Step.INITIAL_FLEET, dir.resolve("bad"));
        String bad = s.repo.replace("groups/dc-east.yaml", "{name: rest, percent: 100}", "{name: rest, percent: 25}")
                .commit("rest: 25%").name();
        s.repo.close();
        World broken = new World(s.repo.dir, w.state);

        Strata.Run text = Strata.run(args(broken, "--now", Strata.NOW));
        assertThat(text.exitCode()).isEqualTo(65);
        assertThat(text.err()).contains("strata: the specs at " + bad + " are invalid (2 errors); nothing was changed",
                "groups/dc-east.yaml:", "error[wave.percent-end]");
        Strata.Run json = Strata.run(args(broken, "--now", Strata.NOW, "--format", "json"));
        assertThat(json.exitCode()).isEqualTo(65);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("result").asText()).isEqualTo("invalid");
        assertThat(doc.get("revision").asText()).isEqualTo(bad);
        assertThat(doc.get("diagnostics")).anySatisfy(d -> assertThat(d.get("check").asText()).isEqualTo("wave.percent-order"));
        try (StateStore store = SqliteStateStore.open(w.state)) {
            assertThat(store.history(Optional.empty(), 10)).isEmpty();
        }
    }

    @Test
    void anotherRunHoldingTheLockExits75() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        try (StateStore other = SqliteStateStore.open(w.state); RunLock held = other.acquireRunLock("strata serve (test)", Duration.ZERO)) {
            Strata.Run text = Strata.run(args(w, "--wait", "0s"));
            assertThat(text.exitCode()).isEqualTo(75);
            assertThat(text.err()).contains("strata serve (test)").contains("holds the run lock on " + w.state);
            Strata.Run json = Strata.run(args(w, "--wait", "1s", "--format", "json"));
            assertThat(json.exitCode()).isEqualTo(75);
            assertThat(new ObjectMapper().readTree(json.out()).get("result").asText()).isEqualTo("locked");
        }
    }

    @Test
    void aFailedBuildExits1AndAnUnknownRefToo() throws Exception {
        World w = world(Step.INITIAL_FLEET);
        Strata.Run failed = Strata.run(args(w, "--now", Strata.NOW, "--registry", "127.0.0.1:1/nowhere"));
        assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
        assertThat(failed.out()).contains("+ build dc-bonded: FAILED: cannot look for dc-bonded in repository nowhere/dc-bonded"
                + " on registry 127.0.0.1:1", "4 failed"); // all four of fleet-example's images
        try (StateStore store = SqliteStateStore.open(w.state)) {
            assertThat(store.builds()).isEmpty();
        }

        Strata.Run unknown = Strata.run(args(w, "--ref", "nosuch"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown ref 'nosuch'");
    }

    @Test
    void usageErrorsExit64() {
        Strata.Run wait = Strata.run("reconcile", "--wait", "soon");
        assertThat(wait.exitCode()).isEqualTo(64);
        assertThat(wait.err()).contains("--wait: 'soon' is not a duration");
        Strata.Run format = Strata.run("reconcile", "--format", "markdown");
        assertThat(format.exitCode()).isEqualTo(64);
        assertThat(format.err()).contains("--format").contains("Run 'strata reconcile --help' for usage.");
    }

    private static JsonNode action(JsonNode report, String kind, String subject) {
        for (JsonNode a : report.get("actions")) {
            if (a.get("action").asText().equals(kind) && a.get("subject").asText().equals(subject)) return a;
        }
        throw new AssertionError("no " + kind + " of " + subject + " in " + report.toPrettyString());
    }
}
