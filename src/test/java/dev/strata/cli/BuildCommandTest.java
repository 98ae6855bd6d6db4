package dev.strata.cli;

import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** strata build and apply on a fleet in a Git repository, following a base mirrored into a real registry. */
class BuildCommandTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final Instant COMMIT = Instant.parse("2026-03-01T10:00:00Z");
    static String baseDigest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pushBase() throws Exception {
        baseDigest = FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z"))
                .push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    private CliRun strata(String... args) {
        return CliRun.of(args);
    }

    private Path repo(String registryPath, String... extraImages) throws Exception {
        TestRegistry r = REGISTRY.registry();
        Path dir = tmp.resolve("repo");
        write(dir, "fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec:\n  registry: "
                + r.reference(registryPath) + "\n");
        write(dir, "streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec: {image: quay.io/fedora/fedora-coreos, tag: stable}
                """);
        write(dir, "images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: config
                      files: [{path: /etc/chrony.d/dc.conf, content: "server ntp1 iburst\\n"}]
                      kernelArguments: ["console=ttyS0"]
                """);
        write(dir, "images/dc-child.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc-child}
                spec:
                  from: {image: dc}
                  layers: [{name: extra, files: [{path: /etc/motd, content: "hi\\n"}]}]
                """);
        for (int i = 0; i < extraImages.length; i += 2) write(dir, extraImages[i], extraImages[i + 1]);
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", COMMIT, ZoneOffset.UTC);
            git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        return dir;
    }

    private static void write(Path dir, String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private String[] args(Path repo, Path state, String... more) {
        TestRegistry r = REGISTRY.registry();
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of("--repo", repo.toString(), "--state", state.toString(),
                "--mirror", "quay.io/fedora=" + r.reference("fedora"), "--insecure-registry", r.host()));
        return a.toArray(String[]::new);
    }

    @Test
    void buildsEveryImageThenNothingAndRecognisesPushedImagesWithoutState() throws Exception {
        Path repo = repo("fleet");
        Path state = tmp.resolve("state/state.db");
        CliRun first = strata(args(repo, state, "build"));
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("+ dc: " + REGISTRY.registry().reference("fleet/dc@sha256:"))
                .contains("+ dc-child: ").contains("IMAGE").contains("Build: 2 built, 0 failed.");
        CliRun again = strata(args(repo, state, "build"));
        assertThat(again.out()).contains("= dc: up to date").contains("= dc-child: up to date").contains("Build: 0 built");

        String pushed = Skopeo.digest(REGISTRY.registry(), "fleet/dc-child:" + inputsTag(first.out(), "dc-child"));
        Files.delete(state);
        CliRun withoutState = strata(args(repo, state, "build"));
        assertThat(withoutState.exit()).isZero();
        assertThat(withoutState.err()).contains("dc: already pushed").contains("dc-child: already pushed");
        assertThat(Skopeo.digest(REGISTRY.registry(), "fleet/dc-child:" + inputsTag(first.out(), "dc-child"))).isEqualTo(pushed);
        assertThat(Skopeo.labels(REGISTRY.registry(), "fleet/dc-child:" + inputsTag(first.out(), "dc-child")))
                .containsEntry("org.opencontainers.image.created", "2026-03-01T10:00:00Z")
                .containsEntry("org.opencontainers.image.base.name",
                        REGISTRY.registry().reference("fleet/dc:" + inputsTag(first.out(), "dc")));
        // The stream's base is named as the fleet names it, not by the mirror it was pulled through.
        assertThat(Skopeo.labels(REGISTRY.registry(), "fleet/dc:" + inputsTag(first.out(), "dc")))
                .containsEntry("org.opencontainers.image.base.name", "quay.io/fedora/fedora-coreos:stable")
                .containsEntry("org.opencontainers.image.base.digest", baseDigest);
    }

    /** The inputs tag of an image, read back from the registry reference the build printed. */
    private String inputsTag(String out, String image) throws Exception {
        String line = out.lines().filter(l -> l.startsWith("+ " + image + ": ")).findFirst().orElseThrow();
        String digest = line.substring(line.indexOf("@") + 1, line.indexOf(" ("));
        var labels = Skopeo.labels(REGISTRY.registry(), "fleet/" + image + "@" + digest);
        return "inputs-" + labels.get("dev.strata.inputs").substring(7, 39);
    }

    @Test
    void applyBuildsThePlannedImagesIntoTheRegistryGivenForTheRun() throws Exception {
        Path repo = repo("unused");
        Path state = tmp.resolve("state/state.db");
        Path plan = tmp.resolve("plan.json");
        String other = REGISTRY.registry().reference("applied");
        CliRun planned = strata(args(repo, state, "plan", "--out", plan.toString()));
        assertThat(planned.exit()).as(planned.out() + planned.err()).isZero();
        CliRun applied = strata(args(repo, state, "apply", plan.toString(), "--registry", other));
        assertThat(applied.exit()).as(applied.out() + applied.err()).isZero();
        assertThat(applied.out()).contains("applied + dc:").contains("applied + dc-child:").contains("2 applied, 0 failed");
        assertThat(Skopeo.labels(REGISTRY.registry(), "applied/dc-child:" + recordedTag("applied", "dc-child", applied)))
                .containsEntry("dev.strata.image", "dc-child");
    }

    private String recordedTag(String prefix, String image, CliRun run) throws Exception {
        // No digest is printed by apply; find the tag through the plan's inputs digest in the state.
        try (var store = dev.strata.state.SqliteStateStore.open(tmp.resolve("state/state.db"))) {
            var build = store.builds().values().stream().filter(b -> b.image().equals(image)).findFirst().orElseThrow();
            assertThat(build.reference()).startsWith(REGISTRY.registry().reference(prefix + "/" + image + "@"));
            return "inputs-" + build.inputsDigest().substring(7, 39);
        }
    }

    @Test
    void aFailingImageFailsAloneWithAMessageNamingRegistryAndRepository() throws Exception {
        String missing = REGISTRY.registry().reference("nowhere/base") + "@sha256:" + "cd".repeat(32);
        Path repo = repo("iso", "images/broken.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: broken}
                spec:
                  from: {ref: "%s"}
                  layers: [{name: l, files: [{path: /etc/x, content: "x"}]}]
                """.formatted(missing));
        Path state = tmp.resolve("state/state.db");
        CliRun run = strata(args(repo, state, "build"));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("! broken: build failed:").contains("nowhere/base")
                .contains(REGISTRY.registry().host()).contains("+ dc: ").contains("+ dc-child: ")
                .contains("Build: 2 built, 1 failed.");
    }
}
