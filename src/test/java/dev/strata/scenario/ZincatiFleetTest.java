package dev.strata.scenario;

import dev.strata.build.BuildSettings;
import dev.strata.build.JibImageBuilder;
import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.plan.Release;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.ReconcileResult;
import dev.strata.reconcile.Reconciler;
import dev.strata.reconcile.StreamSource;
import dev.strata.registry.Credentials;
import dev.strata.registry.ImageLookup;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.Repository;
import dev.strata.registry.Retry;
import dev.strata.serve.ServeListener;
import dev.strata.serve.Services;
import dev.strata.serve.StrataServer;
import dev.strata.source.GitSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's scenario, end to end: fleet-example's four {@code edge} boxes, installed from stock FCOS, are
 * pointed at strata serve (Zincati's cincinnati and fleet_lock base URLs). Strata builds the edge image
 * into a real registry, and simulated Zincati machines ({@link SimulatedZincati}) onboard onto it by
 * themselves, then take a bond0 change wave by wave (north first, then the rest, in the Saturday-night
 * New York window, after the 2 h bake), and then a {@code git revert} of it, which reaches them as a new
 * release, never a downgrade. At every moment at most {@code maxUnavailable} (25% of 4: one) of them
 * hold a reboot slot or are rebooting.
 */
class ZincatiFleetTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    /** Saturday 2026-11-21, 23:00 in New York: inside the edge group's window (Sat/Sun 22:00, 6 h). */
    static final Instant START = Instant.parse("2026-11-22T04:00:00Z");
    static final Duration TICK = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void stockMachinesOnboardTakeTheBondChangeWaveByWaveAndTheRevertAsANewRelease() throws Exception {
        TestRegistry registry = REGISTRY.registry();
        String host = registry.host();
        Instant baseCreated = Instant.parse("2026-04-13T00:00:00Z");
        String baseDigest = FcosLikeBase.of("43.20260413.3.2", baseCreated).push(registry, "fedora/fedora-coreos:stable");
        Path repoDir = dir.resolve("fleet");
        try (FleetRepo repo = FleetRepo.init(repoDir).copyExampleWithoutContainerfileImages();
             StateStore store = SqliteStateStore.open(dir.resolve("state/state.db"))) {
            repo.replace("fleet.yaml", "registry: registry.example.com/fleet", "registry: " + host + "/fleet")
                    .replace("fleet.yaml", "insecureRegistries: []", "insecureRegistries: [\"" + host + "\"]")
                    .replace("fleet.yaml", "    - from: quay.io/fedora\n      to: mirror.example.com/fedora\n", "")
                    .replace("fleet.yaml", "  mirrors:\n    # Air-gapped sites pull FCOS through a local mirror.\n", "  mirrors: []\n")
                    .replace("streams/fcos-stable.yaml", "image: quay.io/fedora/fedora-coreos", "image: " + host + "/fedora/fedora-coreos")
                    .replace("streams/fcos-stable.yaml", "sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4", baseDigest);
            repo.commit("Example fleet on the test registry");

            AtomicReference<Optional<DesiredView>> view = new AtomicReference<>(Optional.empty());
            Reconciler reconciler = new Reconciler(new FleetSource(GitSource.open(repoDir.toString(), GitSource.Options.defaults()), "", false),
                    store, StreamSource.offline(), (rev, fleet) -> {
                        BuildSettings settings = new BuildSettings(rev.tree(), rev.commitTime(), Optional.empty(), fleet.fleet().registry(),
                                RegistrySettings.of(fleet.fleet(), List.of(), List.of()), Credentials.none(), Retry.immediate(2),
                                dir.resolve("state"), clock, line -> { });
                        return new JibImageBuilder(settings, Applier.recordedBuilds(store))::build;
                    }, Reconciler.Settings.defaults());
            try (Delivery delivery = new Delivery(store, clock, view::get);
                 StrataServer server = StrataServer.start(StrataServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)),
                         Services.of(delivery, () -> { }, Optional.empty()), ServeListener.SILENT)) {
                Scenario s = new Scenario(store, delivery, reconciler, view, server.address(), host, baseDigest, baseCreated);

                // 1. Onboarding: every stock machine rebases onto the edge image by itself, in waves.
                s.runUntilSettled("onboarding", 1);
                Release r1 = s.releases().get(0);
                assertThat(s.machines).allSatisfy(m -> assertThat(m.bootedPayload).isEqualTo(r1.payloads().get("x86_64")));
                assertThat(r1.ageIndex()).isEqualTo(1);

                // 2. The bond0 change, rolled through the edge group.
                repo.write("images/files/bond0-edge.nmconnection", "[connection]\nid=bond0\ntype=bond\ninterface-name=bond0\n"
                        + "[bond]\nmode=active-backup\n");
                repo.replace("images/edge.yaml", "      systemd: {enable: [node-exporter.service]}",
                        "        - {path: /etc/NetworkManager/system-connections/bond0.nmconnection, source: files/bond0-edge.nmconnection, mode: \"0600\"}\n"
                                + "      systemd: {enable: [node-exporter.service]}");
                RevCommit bond = repo.commit("edge: bond0");
                s.runUntilSettled("bond0", 2);
                assertThat(s.releases()).as("releases after bond0: %s\n%s", s.releases(), String.join("\n", s.events)).hasSize(2);
                Release r2 = s.releases().get(1);
                assertThat(s.machines).allSatisfy(m -> assertThat(m.bootedPayload).isEqualTo(r2.payloads().get("x86_64")));
                assertThat(s.northFirst(r2)).as("the north wave was done before the south machines moved").isTrue();

                // 3. The revert: the first release's content again, as a new release, with a higher age index.
                repo.revert(bond);
                s.runUntilSettled("revert", 3);
                List<Release> all = s.releases();
                assertThat(all).hasSize(3);
                Release r3 = all.get(2);
                assertThat(r3.ageIndex()).isEqualTo(3);
                assertThat(r3.inputsDigest()).isEqualTo(r1.inputsDigest());
                assertThat(r3.imageDigest()).isNotEqualTo(r1.imageDigest());
                assertThat(r3.version()).startsWith(r1.version() + ".r");
                assertThat(r3.created()).isAfter(r2.created());
                assertThat(s.machines).allSatisfy(m -> {
                    assertThat(m.bootedPayload).isEqualTo(r3.payloads().get("x86_64"));
                    assertThat(m.ageHistory).as(m.name + " only ever moved forward").isSorted().containsExactly(1L, 2L, 3L);
                });
                // Same content: the republished image has the first release's layers.
                try (ImageLookup lookup = new ImageLookup(Credentials.none(), Retry.immediate(1))) {
                    Repository edge = Repository.parse(host + "/fleet/edge");
                    assertThat(lookup.find(edge, r3.imageDigest(), true).orElseThrow().labels())
                            .containsEntry("dev.strata.inputs", r1.inputsDigest())
                            .containsEntry("com.coreos.stream", "stable");
                    // The stream tag Zincati rebases to holds the newest build.
                    assertThat(lookup.find(edge, "stable", true).orElseThrow().digest()).isEqualTo(r3.imageDigest());
                }
                assertThat(s.maxDown).as("machines down at once").isEqualTo(1);
            }
        }
    }

    /** The loop: reconcile, let every machine run its agent once, check the budget, move the clock. */
    private final class Scenario {
        final StateStore store;
        final Delivery delivery;
        final Reconciler reconciler;
        final AtomicReference<Optional<DesiredView>> view;
        final List<SimulatedZincati> machines = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final MachineGroup group;
        int maxDown;

        Scenario(StateStore store, Delivery delivery, Reconciler reconciler, AtomicReference<Optional<DesiredView>> view,
                 InetSocketAddress server, String host, String baseDigest, Instant baseCreated) {
            this.store = store;
            this.delivery = delivery;
            this.reconciler = reconciler;
            this.view = view;
            reconcile();
            group = view.get().orElseThrow(() -> new AssertionError(String.join("\n", events))).fleet().group("edge").orElseThrow();
            for (Machine m : group.machines()) {
                machines.add(new SimulatedZincati(m.id(), m.name(), "edge", server, host + "/fedora/fedora-coreos@" + baseDigest,
                        "43.20260413.3.2", baseCreated));
            }
        }

        void reconcile() {
            delivery.flushGraphPolls();
            ReconcileResult r = reconciler.reconcile(now.get());
            events.add(now.get() + " reconcile: " + r);
            reconciler.inForce().ifPresent(f -> view.set(Optional.of(DesiredView.of(f.revision(), f.fleet(), Optional.empty()))));
        }

        List<Release> releases() {
            return store.releases("edge");
        }

        /** Ticks until there are {@code releases} releases, every machine runs the newest, and nothing is in flight. */
        void runUntilSettled(String phase, int releases) throws Exception {
            for (int tick = 0; tick < 2_000; tick++) {
                reconcile();
                for (SimulatedZincati m : machines) {
                    events.add(now.get() + " " + m.tick());
                    long down = machines.stream().filter(x -> x.holdsSlot).count();
                    maxDown = Math.max(maxDown, (int) down);
                    assertThat(down).as(phase + ": machines holding a slot or rebooting at " + now.get() + "\n"
                            + String.join("\n", events.subList(Math.max(0, events.size() - 40), events.size()))).isLessThanOrEqualTo(1);
                    assertThat(store.fleetLockHolders("edge")).hasSizeLessThanOrEqualTo(1);
                }
                List<Release> rs = releases();
                if (rs.size() == releases && machines.stream().allMatch(m -> m.bootedPayload.equals(rs.get(rs.size() - 1).payloads().get("x86_64"))
                        && !m.holdsSlot)) {
                    for (SimulatedZincati m : machines) m.tick(); // their steady-state after the last reboot
                    reconcile();
                    return;
                }
                now.set(now.get().plus(TICK));
            }
            throw new AssertionError(phase + " did not settle:\n" + String.join("\n", events.subList(Math.max(0, events.size() - 60), events.size())));
        }

        /** The north machines (wave "first") booted {@code r} before any south machine did. */
        boolean northFirst(Release r) {
            List<String> lines = events.stream().filter(e -> e.contains("rebooted into " + r.version())).toList();
            int firstSouth = -1, lastNorth = -1;
            for (int i = 0; i < lines.size(); i++) {
                boolean north = lines.get(i).contains("edge-01") || lines.get(i).contains("edge-02");
                if (north) lastNorth = i;
                else if (firstSouth < 0) firstSouth = i;
            }
            return lines.size() == 4 && lastNorth < firstSouth;
        }
    }
}
