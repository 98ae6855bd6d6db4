package dev.strata.reconcile;

import dev.strata.build.BuildSettings;
import dev.strata.build.JibImageBuilder;
import dev.strata.delivery.DesiredView;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.registry.Credentials;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.RegistryStreamResolver;
import dev.strata.registry.Resolutions;
import dev.strata.registry.Retry;
import dev.strata.registry.StreamResolver;
import dev.strata.source.GitSource;
import dev.strata.state.HistoryEntry;
import dev.strata.state.RunLock;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler against a real Git repository, a real state file and a real registry: one tick builds,
 * the next promotes, a tick with nothing to do reads no specs again, an invalid commit leaves the last
 * good revision in force, a held run lock, a state that moves under a plan, an unknown ref and a refused
 * push all come back as values.
 */
class ReconcilerTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final Instant T0 = Instant.parse("2026-11-27T00:30:00Z");
    static final String ID1 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    @TempDir
    Path tmp;
    private Git git;
    private int commits;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void pushBase() throws Exception {
        FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z")).push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) c.close();
        if (git != null) git.close();
    }

    @Test
    void buildsThenPromotesThenWaitsWithoutReadingTheSpecsAgain() throws Exception {
        commitFleet("server ntp1 iburst");
        StateStore store = store();
        Reconciler reconciler = reconciler(store, Optional.empty(), Reconciler.Settings.defaults());

        var first = (ReconcileResult.Reconciled) reconciler.reconcile(T0);
        assertThat(first.failed()).as("%s", first).isFalse();
        assertThat(first.steps()).singleElement().satisfies(s -> {
            assertThat(s.action()).isInstanceOf(Action.BuildImage.class);
            assertThat(s.ok()).isTrue();
            Build b = s.build().orElseThrow();
            assertThat(b.reference()).startsWith(REGISTRY.registry().reference("fleet/dc@sha256:"));
            try {
                assertThat(Skopeo.digest(REGISTRY.registry(), "fleet/dc@" + b.imageDigest())).isEqualTo(b.imageDigest());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(first.plan().actions()).anyMatch(a -> a instanceof Action.Wait w && w.cause() == Action.WaitCause.BUILD);
        DesiredView view = reconciler.inForce().orElseThrow();
        assertThat(view.revision()).isEqualTo(first.revision());
        assertThat(view.repository("dc")).contains(REGISTRY.registry().reference("fleet/dc"));

        var second = (ReconcileResult.Reconciled) reconciler.reconcile(T0.plusSeconds(60));
        assertThat(second.steps()).singleElement().satisfies(s -> {
            assertThat(s.action()).isInstanceOfSatisfying(Action.Promote.class, p -> {
                assertThat(p.wave()).isEqualTo("canary");
                assertThat(p.machines()).containsExactly("lab-1");
            });
            assertThat(s.ok()).isTrue();
        });
        assertThat(second.changed()).isTrue();
        assertThat(store.machine(ID1).orElseThrow().releasedDigest()).contains(first.steps().get(0).build().orElseThrow().imageDigest());

        var third = (ReconcileResult.Reconciled) reconciler.reconcile(T0.plusSeconds(120));
        assertThat(third.steps()).isEmpty();
        assertThat(third.changed()).isFalse();
        assertThat(third.plan().actions()).anyMatch(a -> a instanceof Action.Wait w && w.cause() == Action.WaitCause.MACHINES);
        assertThat(reconciler.inForce().orElseThrow()).as("the same commit is not read and validated again").isSameAs(view);
        assertThat(store.history(Optional.empty(), 10)).extracting(HistoryEntry::kind).containsExactly("promote", "build");
    }

    @Test
    void aNewCommitIsReadAndBuilt() throws Exception {
        String before = commitFleet("server ntp1 iburst");
        Reconciler reconciler = reconciler(store(), Optional.empty(), Reconciler.Settings.defaults());
        assertThat(((ReconcileResult.Reconciled) reconciler.reconcile(T0)).changed()).isTrue();

        String after = commitFleet("server ntp2 iburst");
        var next = (ReconcileResult.Reconciled) reconciler.reconcile(T0.plusSeconds(60));
        assertThat(next.revision()).isEqualTo(after).isNotEqualTo(before);
        assertThat(next.steps()).singleElement().satisfies(s -> {
            assertThat(s.action()).isInstanceOfSatisfying(Action.BuildImage.class,
                    b -> assertThat(b.cause()).isEqualTo(Action.BuildCause.SPEC_CHANGED));
            assertThat(s.ok()).isTrue();
        });
        assertThat(reconciler.inForce().orElseThrow().revision()).isEqualTo(after);
    }

    @Test
    void invalidSpecsAtANewCommitChangeNothingAndLeaveTheLastGoodRevisionInForce() throws Exception {
        String good = commitFleet("server ntp1 iburst");
        StateStore store = store();
        Reconciler reconciler = reconciler(store, Optional.empty(), Reconciler.Settings.defaults());
        reconciler.reconcile(T0);
        DesiredView inForce = reconciler.inForce().orElseThrow();
        int history = store.history(Optional.empty(), 100).size();

        write("groups/lab.yaml", group("{name: rest, percent: 101}"));
        String bad = commit("rest: 101%");
        var invalid = (ReconcileResult.Invalid) reconciler.reconcile(T0.plusSeconds(60));
        assertThat(invalid.revision()).isEqualTo(bad);
        assertThat(invalid.inForce()).contains(good);
        assertThat(invalid.validation().diagnostics()).anyMatch(d -> d.location().file().equals("groups/lab.yaml") && d.isError());
        assertThat(reconciler.inForce().orElseThrow()).isSameAs(inForce);
        assertThat(store.history(Optional.empty(), 100)).hasSize(history);
        assertThat(reconciler.reconcile(T0.plusSeconds(90))).as("the same bad commit again").isInstanceOf(ReconcileResult.Invalid.class);

        write("groups/lab.yaml", group("{name: rest, percent: 100}"));
        String fixed = commit("rest: 100%");
        var reconciled = (ReconcileResult.Reconciled) reconciler.reconcile(T0.plusSeconds(120));
        assertThat(reconciled.revision()).isEqualTo(fixed);
        assertThat(reconciler.inForce().orElseThrow().revision()).isEqualTo(fixed);
    }

    @Test
    void anotherRunHoldingTheRunLockIsReportedAsLocked() throws Exception {
        commitFleet("server ntp1 iburst");
        Path state = tmp.resolve("state.db");
        Reconciler reconciler = reconciler(store(), Optional.empty(),
                new Reconciler.Settings(Optional.empty(), Duration.ofMillis(200), "strata reconcile", Optional.empty()));
        try (StateStore other = SqliteStateStore.open(state); RunLock held = other.acquireRunLock("strata apply (the other run)", Duration.ZERO)) {
            var locked = (ReconcileResult.Locked) reconciler.reconcile(T0);
            assertThat(locked.message()).contains("strata apply (the other run)").contains(state.toString());
        }
        assertThat(reconciler.reconcile(T0)).as("free again").isInstanceOf(ReconcileResult.Reconciled.class);
    }

    @Test
    void aPlanMadeStaleByAnotherWriterIsMadeAgain() throws Exception {
        commitFleet("server ntp1 iburst");
        Path state = tmp.resolve("state.db");
        StateStore store = store();
        AtomicBoolean wrote = new AtomicBoolean();
        StreamSource registry = streams();
        // Another writer records a build between the snapshot the plan is made from and the apply.
        StreamSource meddling = (fleet, recorded) -> {
            if (wrote.compareAndSet(false, true)) {
                try (StateStore other = SqliteStateStore.open(state)) {
                    other.recordBuild(new Build("elsewhere", "sha256:" + "e".repeat(64), "sha256:" + "f".repeat(64),
                            "registry.example.com/elsewhere@sha256:" + "f".repeat(64), "c0ffee", "sha256:" + "a".repeat(64),
                            Optional.empty(), T0));
                }
            }
            return registry.resolve(fleet, recorded);
        };
        Reconciler reconciler = new Reconciler(source(), store, meddling, builders(store, Optional.empty()), Reconciler.Settings.defaults());
        var result = (ReconcileResult.Reconciled) reconciler.reconcile(T0);
        assertThat(wrote).isTrue();
        assertThat(result.failed()).isFalse();
        assertThat(result.steps()).singleElement().satisfies(s -> assertThat(s.ok()).isTrue());
        assertThat(store.builds()).hasSize(2);
    }

    @Test
    void anUnknownRefAndARefusedPushComeBackAsValues() throws Exception {
        commitFleet("server ntp1 iburst");
        StateStore store = store();
        var unknown = reconciler(store, Optional.empty(),
                new Reconciler.Settings(Optional.of("nosuch"), Duration.ZERO, "strata reconcile", Optional.empty())).reconcile(T0);
        assertThat(unknown).isInstanceOfSatisfying(ReconcileResult.Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(ReconcileResult.Stage.READ);
            assertThat(f.message()).contains("unknown ref 'nosuch'");
        });

        var refused = (ReconcileResult.Reconciled) reconciler(store, Optional.of("127.0.0.1:1/nowhere"), Reconciler.Settings.defaults())
                .reconcile(T0);
        assertThat(refused.failed()).isTrue();
        assertThat(refused.steps()).singleElement().satisfies(s -> {
            assertThat(s.ok()).isFalse();
            assertThat(s.line()).contains("127.0.0.1:1").contains("nowhere/dc");
        });
        assertThat(store.builds()).as("a failed build records nothing").isEmpty();
    }

    @Test
    void aRemoteIsFetchedOnEveryRunAndAnUnreachableOneIsAFetchFailure() throws Exception {
        String first = commitFleet("server ntp1 iburst");
        GitSource.Options options = GitSource.Options.defaults().withCacheDir(tmp.resolve("cache"));
        String url = tmp.resolve("repo").toUri().toString();
        FleetSource remote = new FleetSource(GitSource.openWithoutFetching(url, options), "", false);
        open.add(remote);
        StateStore store = store();
        Reconciler reconciler = new Reconciler(remote, store, streams(), builders(store, Optional.empty()), Reconciler.Settings.defaults());
        assertThat(((ReconcileResult.Reconciled) reconciler.reconcile(T0)).revision()).isEqualTo(first);

        String second = commitFleet("server ntp2 iburst");
        assertThat(((ReconcileResult.Reconciled) reconciler.reconcile(T0.plusSeconds(60))).revision()).isEqualTo(second);

        git.close();
        git = null;
        org.eclipse.jgit.util.FileUtils.delete(tmp.resolve("repo").toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE);
        var unreachable = reconciler.reconcile(T0.plusSeconds(120));
        assertThat(unreachable).isInstanceOfSatisfying(ReconcileResult.Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(ReconcileResult.Stage.FETCH);
            assertThat(f.message()).contains("cannot fetch");
        });
        assertThat(reconciler.inForce().orElseThrow().revision()).as("the last good revision stays in force").isEqualTo(second);
    }

    // --- the world: a repository, a state file, streams and builds through the test registry

    private String commitFleet(String chrony) throws Exception {
        TestRegistry r = REGISTRY.registry();
        write("fleet.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Fleet
                metadata: {name: t}
                spec:
                  registry: %s
                  insecureRegistries: ["%s"]
                  mirrors:
                    - {from: quay.io/fedora, to: %s}
                """.formatted(r.reference("fleet"), r.host(), r.reference("fedora")));
        write("streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: quay.io/fedora/fedora-coreos, tag: stable}
                """);
        write("images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers: [{name: config, files: [{path: /etc/chrony.d/dc.conf, content: "%s\\n"}]}]
                """.formatted(chrony));
        write("groups/lab.yaml", group("{name: rest, percent: 100}"));
        return commit("chrony: " + chrony);
    }

    private static String group(String lastWave) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: MachineGroup
                metadata: {name: lab}
                spec:
                  image: dc
                  delivery: bootc
                  machines:
                    - {id: %s, name: lab-1}
                    - {id: 00112233445566778899aabbccddeeff, name: lab-2}
                    - {id: 0123456789abcdef0123456789abcdef, name: lab-3}
                  rollout:
                    waves:
                      - {name: canary, machines: [lab-1]}
                      - %s
                    maxUnavailable: 1
                """.formatted(ID1, lastWave);
    }

    private void write(String path, String content) throws Exception {
        Path p = tmp.resolve("repo").resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private String commit(String message) throws Exception {
        if (git == null) git = Git.init().setDirectory(tmp.resolve("repo").toFile()).setInitialBranch("main").call();
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("T", "t@example.com", T0.minusSeconds(3600 - 60L * commits++), ZoneOffset.UTC);
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call().name();
    }

    private StateStore store() {
        StateStore s = SqliteStateStore.open(tmp.resolve("state.db"));
        open.add(s);
        return s;
    }

    private FleetSource source() throws Exception {
        FleetSource s = new FleetSource(GitSource.open(tmp.resolve("repo").toString(), GitSource.Options.defaults()), "", false);
        open.add(s);
        return s;
    }

    private Reconciler reconciler(StateStore store, Optional<String> registry, Reconciler.Settings settings) throws Exception {
        return new Reconciler(source(), store, streams(), builders(store, registry), settings);
    }

    /** Followed streams resolve in the registry, through the Fleet's mirror. */
    private static StreamSource streams() {
        return (fleet, recorded) -> {
            Resolutions r = RegistryStreamResolver.standard().resolve(fleet.streams(), fleet.fleet(), StreamResolver.Options.online());
            return new StreamSource.Resolved(r.resolved(), r.failures().stream().map(f -> f.message()).toList());
        };
    }

    /** Builds with jib-core into the Fleet's registry, or {@code registry} instead. */
    private BuildExecutor.Factory builders(StateStore store, Optional<String> registry) {
        return (rev, fleet) -> {
            BuildSettings settings = new BuildSettings(rev.tree(), rev.commitTime(), Optional.empty(),
                    registry.or(() -> fleet.fleet().registry()), RegistrySettings.of(fleet.fleet(), List.of(), List.of()),
                    Credentials.fromFiles(List.of()), Retry.immediate(2), tmp.resolve("work"),
                    Clock.systemUTC(), line -> { });
            return new JibImageBuilder(settings, Applier.recordedBuilds(store))::build;
        };
    }
}
