package dev.strata.e2e;

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
import java.util.List;
import java.util.function.UnaryOperator;

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
        if (scenario != null) scenario.sim.timing.forEach((k, v) -> System.out.println("TIMING " + k + ": " + v[0] + " events, " + v[1] / 1_000_000 + " ms"));
        if (scenario != null) scenario.close();
    }

    private Scenario start(long seed, UnaryOperator<ExampleRepo> edits) throws Exception {
        scenario = Scenario.start(tmp, REGISTRY.registry(), baseDigest, Scenario.THURSDAY_0300, seed, edits);
        return scenario;
    }

    @Test
    void theBond0CommitRollsDcEastWaveByWaveInsideItsWindowsNeverMoreThanTwoAtOnce() throws Exception {
        Scenario s = start(1, r -> r);
        Sim sim = s.sim;
        assertThat(sim.allOn(s.v1)).as("every host booted the first build").isTrue();
        sim.runTo(Scenario.THURSDAY_0300.plus(Duration.ofMinutes(30)));

        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: miimon 50 ms");
        assertThat(v2).isNotEqualTo(s.v1);
        sim.runUntil("every dc-east host on the bond0 build", () -> sim.allOn(v2), Scenario.THURSDAY_0300.plus(Duration.ofHours(3)));

        System.out.println("grants: " + sim.grants);
        sim.timing.forEach((k, v) -> System.out.println(k + ": " + v[0] + " events, " + v[1] / 1_000_000 + " ms"));
        System.out.println("max holders " + sim.maxHolders() + ", max down " + sim.maxDown() + ", checks " + sim.invariantChecks());
        for (HistoryEntry e : s.history()) System.out.println(e);
        System.out.println(s.status().toPrettyString());
    }
}
