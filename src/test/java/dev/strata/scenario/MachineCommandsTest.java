package dev.strata.scenario;

import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.delivery.Tokens;
import dev.strata.plan.GroupState;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.HistoryEntry;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** machine-config, machines and rollout through the CLI, on fleet-example in a real Git repository and a real state file. */
class MachineCommandsTest {
    static final String DC_EAST_01 = "5a38c7243b581f6fa33acc35d74b7264";
    static final String DC_EAST_03 = "71ec6f0c5732ce1d2babc6247b03d36d";
    private static final Pattern TOKEN = Pattern.compile("(?m)^STRATA_TOKEN=(\\S+)$");

    @TempDir
    Path dir;

    private Path repo;
    private Path state;

    @BeforeEach
    void fleet() throws Exception {
        repo = dir.resolve("fleet");
        state = dir.resolve("state.db");
        try (FleetRepo r = FleetRepo.init(repo).copyExample()) {
            r.commit("Example fleet");
        }
    }

    private Strata.Run strata(String... args) {
        return Strata.run(Strata.plus(args, "--repo", repo.toString(), "--state", state.toString()));
    }

    @Test
    void machineConfigIssuesATokenThatWorksAndPrintsWhatTheMachineNeeds() throws Exception {
        Strata.Run r = strata("machine-config", "dc-east-01", "--url", "https://strata.example.internal:8443/k3J9");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Machine dc-east-01 (" + DC_EAST_01 + "), group dc-east, bootc delivery.")
                .contains("systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b")
                .contains("This must print " + DC_EAST_01)
                .contains("install -d -m 0755 /etc/strata && install -m 0600 /dev/null /etc/strata/agent.env")
                .contains("STRATA_URL=https://strata.example.internal:8443/k3J9/\n")
                .contains("STRATA_MACHINE_ID=" + DC_EAST_01 + "\n")
                .contains("STRATA_GROUP=dc-east\n")
                .contains("the machine pulls its images from registry.example.com/fleet/dc-bonded, by digest.")
                .contains("/etc/ostree/auth.json")
                .doesNotContain("fleet_lock");
        String token = token(r.out());
        assertThat(token).hasSize(43);

        try (StateStore store = SqliteStateStore.open(state)) {
            assertThat(store.machineToken(DC_EAST_01).orElseThrow().sha256()).isEqualTo(Tokens.sha256(token));
            assertThat(store.history(Optional.of("dc-east"), 5)).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("machine-token");
                assertThat(e.detail()).isEqualTo("dc-east-01 " + DC_EAST_01);
                assertThat(e.reason()).doesNotContain(token);
            });
        }
        // The token opens the machine's endpoints; a second machine-config replaces it.
        assertThat(targetStatus(token)).isEqualTo(200);
        String next = token(strata("machine-config", DC_EAST_01, "--url", "https://strata.example.internal:8443/").out());
        assertThat(next).isNotEqualTo(token);
        assertThat(targetStatus(token)).isEqualTo(401);
        assertThat(targetStatus(next)).isEqualTo(200);
    }

    private int targetStatus(String token) throws Exception {
        dev.strata.spec.FleetSpec fleet;
        try (var source = new dev.strata.reconcile.FleetSource(dev.strata.source.GitSource.open(repo.toString(),
                dev.strata.source.GitSource.Options.defaults()), "", false)) {
            fleet = source.read(Optional.empty()).validation().fleet().orElseThrow();
        }
        DesiredView view = DesiredView.of("rev", fleet, Optional.empty());
        try (StateStore store = SqliteStateStore.open(state);
             Delivery d = new Delivery(store, Clock.systemUTC(), () -> Optional.of(view))) {
            return d.machines().target(DC_EAST_01, Optional.of(token)).status();
        }
    }

    @Test
    void withAnEnvFileTheTokenGoesOnlyIntoAnOwnerOnlyFile() throws Exception {
        Path env = dir.resolve("agent.env");
        Strata.Run r = strata("machine-config", "edge-02", "--url", "http://10.0.0.5:8080", "--env-file", env.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String written = Files.readString(env);
        String token = token(written);
        assertThat(r.out()).doesNotContain(token).contains("Copy " + env + " (written with mode 0600)");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
        assertThat(written).contains("STRATA_URL=http://10.0.0.5:8080/\n").contains("STRATA_GROUP=edge\n");
        // Zincati groups also get Zincati's FleetLock settings.
        assertThat(r.out()).contains("[identity]\ngroup = \"edge\"\n").contains("strategy = \"fleet_lock\"")
                .contains("base_url = \"http://10.0.0.5:8080/\"");
        // And the update graph: Zincati joins "v1/graph" to it, so the trailing '/' keeps any path.
        assertThat(r.out()).contains("[cincinnati]\nbase_url = \"http://10.0.0.5:8080/\"\n");
    }

    @Test
    void machineConfigRefusesUnknownMachinesAndBadUrlsWithoutIssuingAnything() {
        Strata.Run unknown = strata("machine-config", "dc-east-99", "--url", "https://strata/");
        assertThat(unknown.exitCode()).isEqualTo(64);
        assertThat(unknown.err()).contains("no machine named 'dc-east-99' or with that id");
        for (String url : List.of("ftp://strata/", "strata:8443", "https://user:pw@strata/", "https://strata/?x=1")) {
            Strata.Run bad = strata("machine-config", "dc-east-01", "--url", url);
            assertThat(bad.exitCode()).as(url).isEqualTo(64);
            assertThat(bad.err()).as(url).contains("--url");
        }
        assertThat(Files.exists(state)).as("no state written").isFalse();
    }

    @Test
    void machinesListsTheUnknownIdsSeenAndEnrolmentRemovesThem() {
        assertThat(strata("machines", "--unknown").out()).contains("No unknown machine ids seen (no state store at");
        Instant t = Instant.parse("2026-11-27T00:30:00Z");
        try (StateStore store = SqliteStateStore.open(state)) {
            store.recordUnknownMachine("0123456789abcdef0123456789abcdef", "pre-reboot", t, 100);
            store.recordUnknownMachine("0123456789abcdef0123456789abcdef", "steady-state", t.plusSeconds(60), 100);
            store.recordUnknownMachine(DC_EAST_03, "target", t, 100);
        }
        Strata.Run text = strata("machines", "--unknown");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("0123456789abcdef0123456789abcdef  2026-11-27T00:30:00Z      2026-11-27T00:31:00Z      steady-state  2")
                .contains("2 unknown id(s)");
        assertThat(strata("machines", "--unknown", "--format", "json").out())
                .contains("\"id\" : \"0123456789abcdef0123456789abcdef\"").contains("\"count\" : 2");

        strata("machine-config", DC_EAST_03, "--url", "https://strata/");
        assertThat(strata("machines", "--unknown").out()).doesNotContain(DC_EAST_03).contains("1 unknown id(s)");
        assertThat(strata("machines").out()).contains("dc-east-03            " + DC_EAST_03 + "  dc-east       -");
    }

    @Test
    void pauseAndResumeAreRecordedWithWhoAndWhy() {
        Strata.Run pause = strata("rollout", "pause", "dc-east", "--by", "alice", "--reason", "bond0 looks wrong");
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).startsWith("Paused dc-east (by alice: bond0 looks wrong)");
        assertThat(strata("rollout", "pause", "dc-east").out()).contains("already paused");
        try (StateStore store = SqliteStateStore.open(state)) {
            assertThat(store.group("dc-east").orElseThrow().pausedByOperator()).isTrue();
        }
        assertThat(strata("rollout", "resume", "dc-east", "--by", "bob").out()).startsWith("Resumed dc-east (by bob).");
        try (StateStore store = SqliteStateStore.open(state)) {
            assertThat(store.group("dc-east").orElseThrow().pausedByOperator()).isFalse();
            assertThat(store.history(Optional.of("dc-east"), 10)).extracting(HistoryEntry::kind, HistoryEntry::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("resume", "resumed by bob"),
                            org.assertj.core.groups.Tuple.tuple("pause", "paused by alice: bond0 looks wrong"));
        }
        assertThat(strata("rollout", "resume", "dc-east").out()).contains("neither paused by an operator nor halted");
        Strata.Run unknown = strata("rollout", "pause", "dc-west");
        assertThat(unknown.exitCode()).isEqualTo(64);
        assertThat(unknown.err()).contains("no group 'dc-west' in the fleet").contains("its groups: dc-east, edge");
    }

    @Test
    void resumeLiftsAHaltAndSaysTheFailurePolicyMayHaltAgain() {
        try (StateStore store = SqliteStateStore.open(state)) {
            store.saveGroup(new GroupState("dc-east", Optional.of("sha256:" + "1".repeat(64)), Optional.empty(),
                    Optional.of(Instant.now()), GroupState.Status.HALTED, Set.of(), false));
        }
        assertThat(strata("rollout", "resume", "dc-east").out()).contains("it was halted by its failure policy");
        try (StateStore store = SqliteStateStore.open(state)) {
            assertThat(store.group("dc-east").orElseThrow().status()).isEqualTo(GroupState.Status.ROLLING);
        }
    }

    @Test
    void releaseLockGivesBackASlotByNameAndIsRecorded() {
        try (StateStore store = SqliteStateStore.open(state)) {
            store.grantFleetLock(FleetLockHolder.granted("dc-east", DC_EAST_03, Instant.parse("2026-11-27T00:30:00Z")));
            store.markFleetLockFailed(DC_EAST_03, Instant.parse("2026-11-27T02:00:00Z"), "never came back");
        }
        Strata.Run wrongGroup = strata("rollout", "release-lock", "edge", DC_EAST_03);
        assertThat(wrongGroup.out()).contains("holds no reboot slot in edge (it holds one in dc-east); nothing changed.");
        Strata.Run r = strata("rollout", "release-lock", "dc-east", "dc-east-03", "--by", "carol", "--reason", "disk died");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Released the reboot slot dc-east-03 held in dc-east since 2026-11-27T00:30:00Z (marked failed).\n");
        try (StateStore store = SqliteStateStore.open(state)) {
            assertThat(store.fleetLockHolders()).isEmpty();
            HistoryEntry e = store.history(Optional.of("dc-east"), 1).get(0);
            assertThat(e.kind()).isEqualTo("release-lock");
            assertThat(e.detail()).isEqualTo(DC_EAST_03);
            assertThat(e.reason()).isEqualTo("released by hand by carol: disk died; it had failed: never came back");
        }
        assertThat(strata("rollout", "release-lock", "dc-east", "dc-east-03").out()).contains("nothing changed");
    }

    @Test
    void whenTheFleetCannotBeReadRolloutChecksTheGroupAgainstTheState() {
        try (StateStore store = SqliteStateStore.open(state)) {
            store.saveGroup(GroupState.fresh("dc-east"));
        }
        Strata.Run r = strata("rollout", "pause", "dc-east", "--ref", "no-such-branch");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("note: cannot read the fleet").contains("checking names against the state store instead");
        Strata.Run missing = strata("rollout", "pause", "dc-west", "--ref", "no-such-branch");
        assertThat(missing.exitCode()).isEqualTo(64);
        assertThat(missing.err()).contains("no group 'dc-west' in the state store");
    }

    private static String token(String text) {
        Matcher m = TOKEN.matcher(text);
        assertThat(m.find()).as("a STRATA_TOKEN line in:\n" + text).isTrue();
        return m.group(1);
    }
}
