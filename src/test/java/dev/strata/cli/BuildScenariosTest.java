package dev.strata.cli;

import dev.strata.testing.StrataChild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Build;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Build scenarios of issue 4 through the CLI, against a real registry: a moved base rebuilds exactly the
 * images that depend on it; an unreachable registry fails the images with a message naming it and records
 * nothing; a run killed between a push and its state write is recovered by the next run without a rebuild;
 * apply run again, even without the state file, pushes nothing.
 * Each test follows streams of its own repositories, so moving one test's base does not touch another's.
 */
class BuildScenariosTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final Instant COMMIT = Instant.parse("2026-03-01T10:00:00Z");
    static final FcosLikeBase OLD_BASE = FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z"));
    static final FcosLikeBase NEW_BASE = FcosLikeBase.of("43.20260215.3.0", Instant.parse("2026-02-15T08:00:00Z"));

    @TempDir
    Path tmp;

    private static CliRun strata(String... args) {
        return CliRun.of(args);
    }

    /** {@code strata ARGS} in a JVM of its own on the test class path, with {@code -D} properties; waited for. */
    private static CliRun child(List<String> properties, String... args) throws IOException, InterruptedException {
        StrataChild.Result r = StrataChild.run(Duration.ofSeconds(120), properties, args);
        return new CliRun(r.exitCode(), r.out(), r.err());
    }

    /**
     * A fleet pushing to {@code <registry>/<prefix>}: stream a follows {@code quay.io/fedora/<prefix>-a:stable}
     * and stream b {@code quay.io/fedora/<prefix>-b:stable} (mirrored into the test registry); image a1 is
     * built on stream a, a2 on image a1, b1 on stream b.
     */
    private Path repo(String prefix) throws Exception {
        TestRegistry r = REGISTRY.registry();
        Path dir = tmp.resolve("repo");
        write(dir, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  registry: "
                + r.reference(prefix) + "\n");
        for (String s : List.of("a", "b")) {
            write(dir, "streams/" + s + ".yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: Stream
                    metadata: {name: %s}
                    spec: {image: quay.io/fedora/%s-%s, tag: stable}
                    """.formatted(s, prefix, s));
        }
        write(dir, "images/a1.yaml", image("a1", "{stream: a}"));
        write(dir, "images/a2.yaml", image("a2", "{image: a1}"));
        write(dir, "images/b1.yaml", image("b1", "{stream: b}"));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", COMMIT, ZoneOffset.UTC);
            git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        return dir;
    }

    private static String image(String name, String from) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: %s}
                spec:
                  from: %s
                  layers: [{name: l, files: [{path: /etc/%s.conf, content: "%s\\n"}]}]
                """.formatted(name, from, name, name);
    }

    private static void write(Path dir, String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** Pushes the bases of streams a and b for a fleet made by {@link #repo}. */
    private static void pushBases(String prefix) throws Exception {
        OLD_BASE.push(REGISTRY.registry(), "fedora/" + prefix + "-a:stable");
        OLD_BASE.push(REGISTRY.registry(), "fedora/" + prefix + "-b:stable");
    }

    private static String[] args(Path repo, Path state, String... more) {
        TestRegistry r = REGISTRY.registry();
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of("--repo", repo.toString(), "--state", state.toString(),
                "--mirror", "quay.io/fedora=" + r.reference("fedora"), "--insecure-registry", r.host()));
        return a.toArray(String[]::new);
    }

    /** The recorded builds, by image name. */
    private static Map<String, Build> recorded(Path state) {
        try (StateStore store = SqliteStateStore.open(state)) {
            Map<String, Build> out = new TreeMap<>();
            store.builds().values().forEach(b -> out.put(b.image(), b));
            return out;
        }
    }

    /** The images of the BUILD actions of {@code strata plan --format json}, with their causes. */
    private static Map<String, String> plannedBuilds(Path repo, Path state) throws Exception {
        CliRun plan = strata(args(repo, state, "plan", "--format", "json"));
        assertThat(plan.exit()).as("%s", plan).isZero();
        Map<String, String> out = new TreeMap<>();
        for (JsonNode a : new ObjectMapper().readTree(plan.out()).get("actions")) {
            if (a.path("action").asText().equals("build")) out.put(a.get("image").asText(), a.get("cause").asText());
        }
        return out;
    }

    @Test
    void aMovedBaseRebuildsExactlyTheImagesBuiltOnIt() throws Exception {
        pushBases("moved");
        Path repo = repo("moved");
        Path state = tmp.resolve("state/state.db");
        CliRun first = strata(args(repo, state, "build"));
        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.out()).contains("Build: 3 built, 0 failed.");
        Map<String, Build> before = recorded(state);
        assertThat(plannedBuilds(repo, state)).as("nothing to build after a build").isEmpty();

        // The stream's tag moves in the registry: a new base under the same tag.
        String moved = NEW_BASE.push(REGISTRY.registry(), "fedora/moved-a:stable");

        assertThat(plannedBuilds(repo, state)).containsOnlyKeys("a1", "a2").containsEntry("a1", "base-moved");
        CliRun again = strata(args(repo, state, "build"));
        assertThat(again.exit()).as("%s", again).isZero();
        assertThat(again.out()).contains("+ a1: ").contains("+ a2: ").contains("= b1: up to date")
                .doesNotContain("+ b1: ").contains("Build: 2 built, 0 failed.");
        // The state keeps builds by inputs: a1 and a2 now have builds on the moved base; b1 has only its first one.
        try (StateStore store = SqliteStateStore.open(state)) {
            List<Build> builds = List.copyOf(store.builds().values());
            assertThat(builds.stream().filter(b -> b.image().equals("b1")).map(Build::imageDigest))
                    .containsExactly(before.get("b1").imageDigest());
            assertThat(builds.stream().filter(b -> b.image().equals("a1")).map(Build::baseDigest))
                    .containsExactlyInAnyOrder(before.get("a1").baseDigest(), moved);
            assertThat(builds.stream().filter(b -> b.image().equals("a2"))).hasSize(2);
        }
        String a1Tag = latestTag(state, "a1", moved);
        assertThat(Skopeo.labels(REGISTRY.registry(), "moved/a1:" + a1Tag))
                .containsEntry("org.opencontainers.image.base.digest", moved)
                .containsEntry("org.opencontainers.image.base.name", "quay.io/fedora/moved-a:stable");
        assertThat(Skopeo.labels(REGISTRY.registry(), "moved/a2:" + a2Tag(state, a1Tag)))
                .containsEntry("org.opencontainers.image.base.name", REGISTRY.registry().reference("moved/a1:" + a1Tag));
        assertThat(plannedBuilds(repo, state)).as("nothing to build after the rebuild").isEmpty();
    }

    /** The inputs tag of the build of {@code image} on base {@code baseDigest}. */
    private static String latestTag(Path state, String image, String baseDigest) {
        try (StateStore store = SqliteStateStore.open(state)) {
            Build b = store.builds().values().stream().filter(x -> x.image().equals(image) && x.baseDigest().equals(baseDigest))
                    .findFirst().orElseThrow();
            return "inputs-" + b.inputsDigest().substring(7, 39);
        }
    }

    /** The inputs tag of the build of a2 on the a1 build tagged {@code a1Tag}. */
    private static String a2Tag(Path state, String a1Tag) {
        try (StateStore store = SqliteStateStore.open(state)) {
            Build a1 = store.builds().values().stream().filter(x -> x.image().equals("a1")
                    && x.inputsDigest().substring(7, 39).equals(a1Tag.substring(7))).findFirst().orElseThrow();
            Build b = store.builds().values().stream().filter(x -> x.image().equals("a2") && x.baseDigest().equals(a1.imageDigest()))
                    .findFirst().orElseThrow();
            return "inputs-" + b.inputsDigest().substring(7, 39);
        }
    }

    @Test
    void anUnreachableRegistryFailsTheImagesNamingItAndRecordsNothing() throws Exception {
        pushBases("dead");
        Path repo = repo("dead");
        Path state = tmp.resolve("state/state.db");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String dead = "127.0.0.1:" + port;

        CliRun run = strata(args(repo, state, "build", "--registry", dead + "/fleet", "--insecure-registry", dead));

        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCodes.FAILURE);
        List<String> failures = run.out().lines().filter(l -> l.startsWith("! ")).toList();
        assertThat(failures).as("%s", run).hasSize(3);
        assertThat(failures.stream().filter(l -> l.startsWith("! a1: ") || l.startsWith("! b1: ")))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("build failed").contains(dead).contains("repository fleet/")
                        .contains("gave up after 3 attempts"));
        assertThat(failures).anySatisfy(l -> assertThat(l).startsWith("! a2: not built: its base image a1 failed"));
        assertThat(run.out()).contains("Build: 0 built, 3 failed.");
        assertThat(recorded(state)).as("builds recorded").isEmpty();
    }

    @Test
    void aRunKilledBetweenPushAndStateWriteIsRecoveredWithoutARebuild() throws Exception {
        pushBases("crash");
        Path repo = repo("crash");
        Path state = tmp.resolve("state/state.db");
        String[] build = args(repo, state, "build", "a1");

        CliRun crashed = child(List.of("-D" + CrashTestHook.AFTER_PUSH + "=1"), build);

        assertThat(crashed.exit()).as("%s", crashed).isEqualTo(137);
        assertThat(crashed.out()).as("%s", crashed).contains("… a1: building").doesNotContain("+ a1: ").doesNotContain("Build:");
        assertThat(recorded(state)).as("builds recorded before the crash").isEmpty();
        String tag = "inputs-" + Skopeo.labels(REGISTRY.registry(), "crash/a1@" + pushedDigest("crash/a1"))
                .get("dev.strata.inputs").substring(7, 39);
        String pushed = Skopeo.digest(REGISTRY.registry(), "crash/a1:" + tag);

        CliRun again = strata(args(repo, state, "build"));

        assertThat(again.exit()).as("%s", again).isZero();
        assertThat(again.err()).contains("note: cleared a stale run lock")
                .contains("a1: already pushed as " + REGISTRY.registry().reference("crash/a1:" + tag) + " (" + pushed + "); not rebuilt");
        assertThat(again.out()).contains("+ a1: " + REGISTRY.registry().reference("crash/a1@" + pushed))
                .contains("+ a2: ").contains("+ b1: ").contains("Build: 3 built, 0 failed.");
        assertThat(recorded(state).get("a1").imageDigest()).isEqualTo(pushed);
        assertThat(Skopeo.digest(REGISTRY.registry(), "crash/a1:" + tag)).as("the tag, after the re-run").isEqualTo(pushed);
        assertThat(Skopeo.labels(REGISTRY.registry(), "crash/a2:" + "inputs-" + recorded(state).get("a2").inputsDigest().substring(7, 39)))
                .containsEntry("org.opencontainers.image.base.digest", pushed);
    }

    @Test
    void applyAgainWritesNothingToTheRegistryEvenWithoutTheStateFile() throws Exception {
        pushBases("again");
        Path repo = repo("again");
        Path state = tmp.resolve("state/state.db");
        Path plan = tmp.resolve("plan.json");
        assertThat(strata(args(repo, state, "plan", "--out", plan.toString())).exit()).isZero();
        CliRun first = strata(args(repo, state, "apply", plan.toString()));
        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.out()).contains("Apply: 3 applied, 0 failed.");
        assertThat(first.err()).contains("a1: built ").contains("a2: built ").contains("b1: built ");
        Map<String, Build> built = recorded(state);

        assertThat(strata(args(repo, state, "plan", "--out", plan.toString())).exit()).isZero();
        CliRun again = strata(args(repo, state, "apply", plan.toString()));
        assertThat(again.out()).as("%s", again).contains("Apply: 0 applied, 0 failed.");
        assertThat(again.err()).doesNotContain(": built ");

        Files.delete(state);
        assertThat(strata(args(repo, state, "plan", "--out", plan.toString())).exit()).isZero();
        CliRun withoutState = strata(args(repo, state, "apply", plan.toString()));
        assertThat(withoutState.exit()).as("%s", withoutState).isZero();
        for (String image : List.of("a1", "a2", "b1")) {
            String tag = "inputs-" + built.get(image).inputsDigest().substring(7, 39);
            assertThat(withoutState.err()).contains(image + ": already pushed as " + REGISTRY.registry().reference("again/" + image + ":" + tag)
                    + " (" + built.get(image).imageDigest() + "); not rebuilt");
            assertThat(Skopeo.digest(REGISTRY.registry(), "again/" + image + ":" + tag)).isEqualTo(built.get(image).imageDigest());
            assertThat(recorded(state).get(image).imageDigest()).isEqualTo(built.get(image).imageDigest());
        }
        assertThat(withoutState.err()).as("the log of pushes").doesNotContain(": built ");
    }

    /** The digest of the only tag of {@code repository}, read with skopeo list-tags. */
    private static String pushedDigest(String repository) throws Exception {
        TestRegistry r = REGISTRY.registry();
        Process p = new ProcessBuilder("skopeo", "list-tags", "--tls-verify=false", "docker://" + r.reference(repository)).start();
        JsonNode tags = new ObjectMapper().readTree(p.getInputStream().readAllBytes()).get("Tags");
        assertThat(p.waitFor()).isZero();
        assertThat(tags).as("tags of %s after the crash", repository).hasSize(1);
        return Skopeo.digest(r, repository + ":" + tags.get(0).asText());
    }
}
