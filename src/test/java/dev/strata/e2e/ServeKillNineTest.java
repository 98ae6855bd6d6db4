package dev.strata.e2e;

import dev.strata.state.FleetLockHolder;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.strata.e2e.Scenario.berlin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata serve} in a child JVM, killed with SIGKILL twice during the bond0 rollout (right after it
 * answered a grant, and in the middle of a reconcile) and started again on the same state file. Every slot it
 * granted is still held after each restart, and at no moment, before, between or after, are more slots held
 * or more hosts down than maxUnavailable and the rack budget allow.
 */
class ServeKillNineTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    @TempDir
    Path tmp;
    private Scenario scenario;

    @AfterEach
    void close() throws Exception {
        if (scenario != null) scenario.close();
    }

    @Test
    void serveKilledMidRolloutResumesWithoutGrantingMoreSlotsThanAllowed() throws Exception {
        String base = FcosLikeBase.of("43.20260413.3.2", Instant.parse("2026-04-13T08:00:00Z"))
                .push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
        int port = freePort();
        Scenario.Starter child = Scenario.child(port);
        scenario = Scenario.start(tmp, REGISTRY.registry(), base, Scenario.THURSDAY_0300, 7, r -> r, child);
        Scenario s = scenario;
        Sim sim = s.sim;
        sim.runTo(berlin(26, 3, 10));
        s.repo.changeBond0();
        String v2 = s.commitAndBuild("bond0: link monitoring every 50 ms").digest();

        // Kill 1: the moment the early wave's first host has its 200 for pre-reboot.
        sim.runUntil("the early wave's first grant", () -> sim.grants.size() == 2, berlin(26, 5, 0));
        String granted = sim.host(sim.grants.get(1).host()).id();
        ((ChildServe) sim.serve).kill();
        List<FleetLockHolder> held = sim.store().fleetLockHolders(Scenario.GROUP);
        assertThat(held).extracting(FleetLockHolder::machineId).as("the answered grant is on disk").contains(granted);
        restartAfter(Duration.ofMinutes(2), child);
        assertThat(sim.store().fleetLockHolders(Scenario.GROUP)).as("a restart keeps every slot").containsAll(held);

        // Kill 2: in the middle of a reconcile, once the last wave is under way.
        sim.runUntil("the last wave under way", () -> sim.grants.size() >= 5, berlin(27, 5, 0));
        ((ChildServe) sim.serve).reconcileInBackground();
        Thread.sleep(sim.random().nextLong(20, 200));
        ((ChildServe) sim.serve).kill();
        held = sim.store().fleetLockHolders(Scenario.GROUP);
        restartAfter(Duration.ofMinutes(1), child);
        assertThat(sim.store().fleetLockHolders(Scenario.GROUP)).containsAll(held);

        sim.runUntil("every dc-east host on the bond0 build", () -> sim.allOn(v2), berlin(27, 5, 0));
        assertThat(sim.grants).extracting(Sim.Grant::host).as("one reboot each, none twice")
                .containsExactlyInAnyOrderElementsOf(sim.hosts().stream().map(h -> h.name).toList());
        assertThat(sim.maxHolders()).isLessThanOrEqualTo(2);
        assertThat(sim.maxDownInARack()).isEqualTo(1);
        assertThat(((ChildServe) sim.serve).log()).noneMatch(l -> l.contains(" error: "));
    }

    /** Leaves serve down for {@code down} of simulated time (hosts find it unreachable), then starts it again. */
    private void restartAfter(Duration down, Scenario.Starter child) throws Exception {
        Sim sim = scenario.sim;
        sim.serve = null;
        sim.line("test", "strata serve killed with SIGKILL");
        sim.runTo(sim.now().plus(down));
        sim.serve = child.start(tmp, scenario.repo.dir, scenario.state, sim.clock, scenario.http, sim);
        sim.line("test", "strata serve started again");
        sim.checkInvariants("the restart");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
