package dev.strata.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.state.HistoryEntry;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static dev.strata.e2e.Scenario.berlin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5's scenarios end to end: simulated dc-east hosts speak the agent's protocol over HTTP to the real
 * {@code strata serve} (reconciler, delivery, SQLite state, jib builds into a real registry), in simulated
 * time. Every scenario checks the invariants of {@link Sim} after every event.
 */
class SimulatedRolloutTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static String baseDigest;
    static final List<String> CANARY = List.of("dc-east-01");
    static final List<String> EARLY = List.of("dc-east-02", "dc-east-03");
    static final List<String> REST = List.of("dc-east-04", "dc-east-05", "dc-east-06", "dc-east-07", "dc-east-08",
            "dc-east-09", "dc-east-10");

    @TempDir
    Path tmp;
    private Scenario scenario;

    @BeforeAll
    static void pushBase() throws Exception {
        // The stand-in for FCOS, under the path the example's mirror maps quay.io/fedora to.
        baseDigest = FcosLikeBase.of("43.20260413.3.2", Instant.parse("2026-04-13T08:00:00Z"))
                .push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    @AfterEach
    void close() throws Exception {
        if (scenario != null) scenario.close();
    }

    private Scenario start(long seed, UnaryOperator<ExampleRepo> edits) throws Exception {
        scenario = Scenario.start(tmp, REGISTRY.registry(), baseDigest, Scenario.THURSDAY_0300, seed, edits);
        return scenario;
    }

    /**
     * The "Done when" of issue 5. The commit lands at 04:30 on a Thursday: the canary updates before the
     * window closes at 05:00, its bake time runs past the end, and the next waves wait for Friday's window.
     */
    @Test
    void theBond0CommitRollsDcEastCanaryThen30PercentThenTheRestInsideItsWindowsNeverMoreThanTwoAtOnce() throws Exception {
        Scenario s = start(1, r -> r);
        Sim sim = s.sim;
        assertThat(sim.allOn(s.v1)).as("every host booted the first build").isTrue();
        sim.runTo(berlin(26, 4, 30));

        s.repo.changeBond0();
        Scenario.Commit bond0 = s.commitAndBuild("bond0: link monitoring every 50 ms");
        String v2 = bond0.digest();
        assertThat(v2).isNotEqualTo(s.v1);

        // Friday 00:30 in Berlin: the canary runs the new image, the early wave waits for the window, and says so.
        sim.runTo(berlin(27, 0, 30));
        assertThat(sim.host("dc-east-01").booted()).isEqualTo(v2);
        JsonNode waiting = s.groupStatus();
        assertThat(waiting.path("status").asText()).isEqualTo("rolling");
        assertThat(waiting.path("target").asText()).isEqualTo(v2);
        assertThat(waiting.path("previous").asText()).isEqualTo(s.v1);
        assertThat(waiting.path("updated").asInt()).isEqualTo(1);
        assertThat(waiting.path("waves").get(0).path("phase").asText()).isEqualTo("done");
        assertThat(waiting.path("waves").get(1).path("phase").asText()).isEqualTo("pending");
        assertThat(waiting.path("next").path("cause").asText()).isEqualTo("window");
        assertThat(waiting.path("next").path("until").asText()).isEqualTo(berlin(27, 1, 0).toString());

        sim.runUntil("every dc-east host on the bond0 build", () -> sim.allOn(v2), berlin(27, 5, 0));

        // Each host rebooted once, into the new digest, inside a window; never more than two at once, one per rack.
        assertThat(sim.grants).extracting(Sim.Grant::host).containsExactlyInAnyOrderElementsOf(all());
        assertThat(sim.grants).allSatisfy(g -> {
            assertThat(g.digest()).isEqualTo(v2);
            assertThat(Scenario.insideNightWindow(g.at())).as("granted at %s", g.at()).isTrue();
        });
        assertThat(sim.grants).filteredOn(g -> g.at().isBefore(berlin(26, 5, 0))).extracting(Sim.Grant::host)
                .as("Thursday night: the canary only").containsExactlyElementsOf(CANARY);
        assertThat(sim.maxHolders()).as("two slots were held at once in the last wave").isEqualTo(2);
        assertThat(sim.maxDownInARack()).isEqualTo(1);

        // Wave by wave: a wave's first grant comes after the wave before it arrived and baked for 30 minutes.
        Instant canaryDone = lastArrival(sim, CANARY, v2);
        Instant earlyDone = lastArrival(sim, EARLY, v2);
        assertThat(firstGrant(sim, EARLY)).isAfterOrEqualTo(canaryDone.plus(Duration.ofMinutes(30)));
        assertThat(firstGrant(sim, REST)).isAfterOrEqualTo(earlyDone.plus(Duration.ofMinutes(30)));

        // The history tells each step and why: the build of the commit, then each release, wave by wave.
        HistoryEntry build = s.sim.store().history(Optional.of("dc-bonded"), 10).get(0);
        assertThat(build.kind()).isEqualTo("build");
        assertThat(build.revision()).isEqualTo(bond0.id());
        assertThat(build.reason()).isEqualTo("layer network: /etc/NetworkManager/system-connections/bond0.nmconnection changed");
        List<HistoryEntry> promotes = s.history().stream().filter(e -> e.kind().equals("promote")).toList();
        assertThat(promotes).allSatisfy(e -> {
            assertThat(e.revision()).isEqualTo(bond0.id());
            assertThat(Scenario.insideNightWindow(e.time())).as("released at %s", e.time()).isTrue();
            assertThat(e.reason()).matches("wave (canary|early|rest): release " + e.detail().split(",").length
                    + " machine\\(s\\) to " + v2.substring(0, 19) + "(; \\d+ more wait for a free slot)?");
        });
        Map<String, List<String>> released = new LinkedHashMap<>();
        for (HistoryEntry e : promotes) {
            String wave = e.reason().substring(5, e.reason().indexOf(':'));
            released.computeIfAbsent(wave, w -> new ArrayList<>()).addAll(List.of(e.detail().split(",")));
        }
        assertThat(released.keySet()).as("waves in order").containsExactly("canary", "early", "rest");
        assertThat(released.get("canary")).containsExactlyElementsOf(CANARY);
        assertThat(released.get("early")).containsExactlyInAnyOrderElementsOf(EARLY);
        assertThat(released.get("rest")).containsExactlyInAnyOrderElementsOf(REST);

        sim.runTo(sim.now().plus(Duration.ofMinutes(6)));
        JsonNode done = s.groupStatus();
        assertThat(done.path("status").asText()).isEqualTo("done");
        assertThat(done.path("updated").asInt()).isEqualTo(10);
        assertThat(done.path("locks")).isEmpty();
        assertThat(done.path("next").path("reason").asText()).isEqualTo("all 10 machines run " + v2.substring(0, 19));
    }

    /**
     * maxUnavailable raised to 5, so only the budget of one per rack limits the rollout. Each host's first
     * steady-state after its update is lost on the way, so it keeps its slot until its next timer run while the
     * planner, which saw it report, already released the next machine of its rack: FleetLock's own count of
     * the rack's budget must turn that machine away.
     */
    @Test
    void aDisruptionBudgetOfOnePerRackHoldsAtEveryMoment() throws Exception {
        Scenario s = start(2, r -> r.replace(ExampleRepo.DC_EAST, "maxUnavailable: 2", "maxUnavailable: 5"));
        Sim sim = s.sim;
        sim.limits(new Sim.Limits(5, 1));
        sim.hosts().forEach(h -> h.failNextUpdate(SimHost.Fault.RELEASE_LOST));
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        sim.runUntil("every dc-east host on the bond0 build", () -> sim.allOn(v2), berlin(27, 5, 0));
        assertThat(sim.maxDownInARack()).isEqualTo(1);
        assertThat(sim.maxDown()).as("one per rack, two racks").isEqualTo(2);
        assertThat(sim.refusals).as("FleetLock turned a machine away for its rack's budget")
                .anySatisfy(r -> {
                    assertThat(r.kind()).isEqualTo("slots_full");
                    assertThat(r.value()).contains("the disruption budget of rack=r");
                });
        assertThat(sim.grants).extracting(Sim.Grant::host).containsExactlyInAnyOrderElementsOf(all());
    }

    /** holdAfter: canary stops the rollout after the canary until a commit sets approved to the digest. */
    @Test
    void holdAfterStopsAfterTheCanaryUntilACommitApprovesTheDigest() throws Exception {
        Scenario s = start(3, r -> r.replace(ExampleRepo.DC_EAST, "    bakeTime: 30m\n", "    bakeTime: 30m\n    holdAfter: canary\n"));
        Sim sim = s.sim;
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        // Through the rest of Thursday's window, the day, and the first hour of Friday's: the canary only.
        sim.runTo(berlin(27, 2, 0));
        assertThat(sim.grants).extracting(Sim.Grant::host).containsExactlyElementsOf(CANARY);
        assertThat(sim.host("dc-east-01").booted()).isEqualTo(v2);
        JsonNode held = s.groupStatus();
        assertThat(held.path("next").path("action").asText()).isEqualTo("hold");
        assertThat(held.path("next").path("cause").asText()).isEqualTo("approval");
        assertThat(held.path("next").path("reason").asText()).isEqualTo("held after wave canary until 'approved' names " + v2);
        assertThat(s.history()).filteredOn(e -> e.kind().equals("promote")).extracting(HistoryEntry::detail)
                .containsExactly("dc-east-01");

        s.repo.replace(ExampleRepo.DC_EAST, "    holdAfter: canary\n", "    holdAfter: canary\n    approved: " + v2 + "\n");
        String approval = s.commitAndReconcile("approve the bond0 build past the canary");
        sim.runUntil("every dc-east host on the bond0 build", () -> sim.allOn(v2), berlin(27, 5, 0));
        assertThat(s.history()).filteredOn(e -> e.kind().equals("promote") && !e.detail().equals("dc-east-01"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.revision()).as("released by the approving commit").isEqualTo(approval));
        assertThat(sim.grants).allSatisfy(g -> assertThat(Scenario.insideNightWindow(g.at())).isTrue());
    }

    /**
     * The canary takes its slot, reboots and is never heard of again. After updateTimeout (1h) the group halts
     * and the slot stays held, marked failed (also in /metrics and status), until a person runs release-lock.
     */
    @Test
    void aCanaryThatNeverComesBackHaltsTheGroupAndKeepsItsSlotMarkedFailedUntilReleaseLock() throws Exception {
        Scenario s = start(4, r -> r);
        Sim sim = s.sim;
        SimHost canary = sim.host("dc-east-01");
        canary.failNextUpdate(SimHost.Fault.NEVER_RETURNS);
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        sim.runUntil("the canary gone", () -> canary.phase() == SimHost.Phase.GONE, berlin(26, 4, 0));
        Instant released = s.history().stream().filter(e -> e.kind().equals("promote")).findFirst().orElseThrow().time();
        sim.runUntil("the group halted", () -> s.sim.store().group(Scenario.GROUP)
                .filter(g -> g.status() == dev.strata.plan.GroupState.Status.HALTED).isPresent(), berlin(26, 5, 0));
        assertThat(sim.now()).as("halted once the update timeout (1h) ran out").isAfter(released.plus(Duration.ofHours(1)))
                .isBefore(released.plus(Duration.ofMinutes(70)));

        // Friday's window passes by: nobody else is released or rebooted, and the slot stays held, failed.
        sim.runTo(berlin(27, 6, 0));
        assertThat(sim.grants).extracting(Sim.Grant::host).containsExactlyElementsOf(CANARY);
        var holder = sim.store().fleetLockHolder(canary.id()).orElseThrow();
        assertThat(holder.failed()).isTrue();
        assertThat(holder.failure().orElseThrow()).contains("longer than the update timeout (1h)");
        JsonNode halted = s.groupStatus();
        assertThat(halted.path("status").asText()).isEqualTo("halted");
        assertThat(halted.path("failed").asInt()).isEqualTo(1);
        assertThat(halted.path("locks")).hasSize(1);
        assertThat(halted.path("next").path("cause").asText()).isEqualTo("failure-policy");
        assertThat(metrics(s)).contains("strata_fleetlock_failed_holders{group=\"dc-east\"} 1");
        List<HistoryEntry> history = s.history();
        assertThat(history).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("hold");
            assertThat(e.reason()).isEqualTo("1 machine(s) failed to update to " + v2.substring(0, 19) + " (dc-east-01); halted");
        });
        assertThat(history).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("lock-failed");
            assertThat(e.detail()).isEqualTo(canary.id());
        });

        Sim.Cli.Run releaseLock = s.strata("rollout", "release-lock", Scenario.GROUP, "dc-east-01", "--reason", "host is dead, RMA");
        assertThat(releaseLock.exitCode()).as("%s", releaseLock).isZero();
        sim.writeOff(canary);
        assertThat(sim.store().fleetLockHolders(Scenario.GROUP)).isEmpty();
        assertThat(s.history()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("release-lock");
            assertThat(e.reason()).contains("host is dead, RMA").contains("it had failed");
        });
        sim.runTo(berlin(27, 6, 30));
        assertThat(metrics(s)).contains("strata_fleetlock_failed_holders{group=\"dc-east\"} 0");
        assertThat(s.groupStatus().path("status").asText()).as("halted until a person resumes").isEqualTo("halted");
    }

    /**
     * The canary's new deployment cuts it off (a bad bond): its check fails for the connectivity timeout, it rolls
     * itself back and reports booted = old, rollback = new. The failure policy (halt) stops the group there.
     */
    @Test
    void aHostWhoseConnectivityCheckFailsRollsItselfBackAndTheGroupHalts() throws Exception {
        Scenario s = start(5, r -> r);
        Sim sim = s.sim;
        SimHost canary = sim.host("dc-east-01");
        canary.failNextUpdate(SimHost.Fault.CUT_OFF);
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        sim.runUntil("the group halted", () -> s.sim.store().group(Scenario.GROUP)
                .filter(g -> g.status() == dev.strata.plan.GroupState.Status.HALTED).isPresent(), berlin(26, 5, 0));
        assertThat(canary.booted()).isEqualTo(s.v1);
        assertThat(canary.rollbackDeployment()).contains(v2);
        assertThat(canary.failedDigests()).containsExactly(v2);
        var rollback = sim.store().machineRollback(canary.id()).orElseThrow();
        assertThat(rollback.rolledBackFrom()).contains(v2);
        assertThat(sim.store().machine(canary.id()).orElseThrow().failure().orElseThrow()).startsWith("rolled back on its own from");
        assertThat(sim.store().fleetLockHolders(Scenario.GROUP)).as("the canary gave its slot back once home").isEmpty();

        sim.runTo(berlin(27, 6, 0));
        assertThat(sim.grants).extracting(Sim.Grant::host).containsExactlyElementsOf(CANARY);
        assertThat(sim.allOn(s.v1)).isTrue();
        JsonNode halted = s.groupStatus();
        assertThat(halted.path("status").asText()).isEqualTo("halted");
        assertThat(s.history()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("hold");
            assertThat(e.reason()).isEqualTo("1 machine(s) failed to update to " + v2.substring(0, 19) + " (dc-east-01); halted");
        });
    }

    /**
     * failurePolicy action rollback. dc-east-03 (early wave) is cut off by the new deployment and, with a 3h
     * connectivity timeout, rolls itself back long after the window closed; the group rolls back at once, ignoring
     * windows but not the limits, and every machine ends on the previous digest, which stays the target.
     */
    @Test
    void aRollbackBringsEveryMachineBackToThePreviousDigest() throws Exception {
        Scenario s = start(6, r -> r
                .replace(ExampleRepo.DC_EAST, "updateTimeout: 1h", "updateTimeout: 4h")
                .replace(ExampleRepo.DC_EAST, "action: halt", "action: rollback")
                .replace(ExampleRepo.DC_EAST, "  delivery: bootc\n", "  delivery: bootc\n  agent: {connectivityTimeout: 3h}\n"));
        Sim sim = s.sim;
        SimHost bad = sim.host("dc-east-03");
        bad.failNextUpdate(SimHost.Fault.CUT_OFF);
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        sim.runUntil("dc-east-03 took the new deployment", () -> bad.booted().equals(v2), berlin(26, 5, 0));
        assertThat(List.of(sim.host("dc-east-01").booted(), sim.host("dc-east-02").booted())).containsOnly(v2);
        sim.runUntil("the group rolled back", () -> s.sim.store().group(Scenario.GROUP)
                .filter(g -> g.status() == dev.strata.plan.GroupState.Status.ROLLED_BACK).isPresent(), berlin(26, 12, 0));
        Instant orderedAt = sim.now();
        assertThat(Scenario.insideNightWindow(orderedAt)).as("the failure shows after the window closed").isFalse();

        sim.runUntil("every host back on the previous digest", () -> sim.allOn(s.v1), berlin(26, 12, 0));
        assertThat(sim.grants).filteredOn(g -> g.at().isAfter(orderedAt)).as("the way back ignores windows")
                .extracting(Sim.Grant::host).containsExactlyInAnyOrder("dc-east-01", "dc-east-02");
        assertThat(sim.grants).filteredOn(g -> g.at().isAfter(orderedAt)).allSatisfy(g -> assertThat(g.digest()).isEqualTo(s.v1));
        sim.runTo(berlin(27, 6, 0));
        assertThat(sim.allOn(s.v1)).as("v2 is never offered again").isTrue();
        JsonNode back = s.groupStatus();
        assertThat(back.path("status").asText()).isEqualTo("rolled_back");
        assertThat(back.path("target").asText()).isEqualTo(s.v1);
        assertThat(back.path("next").path("cause").asText()).isEqualTo("rejected-digest");
        List<HistoryEntry> rollbacks = s.history().stream().filter(e -> e.kind().equals("rollback")).toList();
        assertThat(rollbacks).isNotEmpty();
        assertThat(rollbacks.get(0).reason()).isEqualTo("1 machine(s) failed to update to " + v2.substring(0, 19)
                + " (dc-east-03); rolling back to " + s.v1.substring(0, 19));
        assertThat(rollbacks).extracting(HistoryEntry::detail).flatMap(d -> List.of(d.split(",")))
                .contains("dc-east-01", "dc-east-02", "dc-east-03");
    }

    private String metrics(Scenario s) throws Exception {
        var r = s.http.send(java.net.http.HttpRequest.newBuilder(s.sim.serve.baseUrl().resolve("metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static List<String> all() {
        List<String> all = new ArrayList<>(CANARY);
        all.addAll(EARLY);
        all.addAll(REST);
        return all;
    }

    private static Instant lastArrival(Sim sim, List<String> hosts, String digest) {
        return sim.arrivals.stream().filter(a -> hosts.contains(a.host()) && a.digest().equals(digest))
                .map(Sim.Arrival::at).max(Instant::compareTo).orElseThrow();
    }

    private static Instant firstGrant(Sim sim, List<String> hosts) {
        return sim.grants.stream().filter(g -> hosts.contains(g.host())).map(Sim.Grant::at).min(Instant::compareTo).orElseThrow();
    }
}
