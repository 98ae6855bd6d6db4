package dev.strata.inputs;

import dev.strata.plan.InputsDigest;
import dev.strata.source.FolderTree;
import dev.strata.source.GitSource;
import dev.strata.source.SpecTree;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.Origin;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.strata.inputs.InputsHasherTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The second golden vector (docs/inputs-digest.md): an image with a file layer and a containerfile
 * layer. The Containerfile's bytes, every context file's mode and bytes, every symlink's target and the
 * arguments are hashed; where they live is not. A folder and its Git commit give the same digest.
 */
class ContainerfileInputsTest {
    static final String CONTAINERFILE = "ARG STRATA_BASE\nFROM ${STRATA_BASE}\nARG PKG\nCOPY . /usr/share/pkg/\n";
    static final String PACKAGES_DIGEST = "sha256:b58f840f4639e3e83fbcd484b951ed805e5dd8c78a0f99694c4ec6f8b23db711";

    @TempDir
    Path root;

    static Image packages(Map<String, String> args) {
        Layer motd = new Layer("motd", List.of(InputsHasherTest.inline("/etc/motd.d/pkg", "packages\n", 0644, "0:0")),
                List.of(), Layer.SystemdUnits.NONE, List.of());
        Layer pkg = new Layer("packages", List.of(), List.of(), Layer.SystemdUnits.NONE, List.of(),
                Optional.of(new Layer.Containerfile("packages/Containerfile", Optional.of("packages/context"), args)));
        return new Image("packages", new ImageSource.FromStream("fcos"), Map.of(), List.of(motd, pkg),
                new Origin("images/packages.yaml", 0));
    }

    static Image packages() {
        return packages(Map.of("PKG", "hello", "CHANNEL", "stable"));
    }

    /** images/packages/{Containerfile, context/{hello.txt, bin/run (0755), link -> hello.txt}}. */
    static Path writeContext(Path root) throws IOException {
        Path dir = root.resolve("images/packages");
        Files.createDirectories(dir.resolve("context/bin"));
        Files.writeString(dir.resolve("Containerfile"), CONTAINERFILE, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("context/hello.txt"), "hello\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("context/bin/run"), "#!/bin/sh\necho run\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(dir.resolve("context/bin/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("context/link"), Path.of("hello.txt"));
        return root;
    }

    static InputsDigest digest(SpecTree tree, Image image) throws IOException {
        return new InputsHasher(tree).digests(InputsHasherTest.fleet(image), InputsHasherTest.streams(BASE)).get(image.name());
    }

    static String goldenText() {
        return """
                layout 15:strata-layout/1
                base 71:%s
                layer 4:motd
                file 15:/etc/motd.d/pkg 4:0644 3:0:0 71:sha256:%s
                layer 8:packages
                containerfile 71:sha256:%s
                ctxfile 7:bin/run 4:0755 71:sha256:%s
                ctxfile 9:hello.txt 4:0644 71:sha256:%s
                ctxlink 4:link 9:hello.txt
                arg 7:CHANNEL 6:stable
                arg 3:PKG 5:hello
                """.formatted(BASE, sha("packages\n"), sha(CONTAINERFILE), sha("#!/bin/sh\necho run\n"), sha("hello\n"));
    }

    private static String sha(String s) {
        return InputsHasher.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theContainerfileFleetHasTheCommittedDigestOfTheDocumentedText() throws IOException {
        InputsDigest d = digest(new FolderTree(writeContext(root)), packages());
        assertThat(d.digest()).isEqualTo("sha256:" + InputsHasher.sha256(goldenText().getBytes(StandardCharsets.UTF_8)));
        assertThat(d.digest()).isEqualTo(PACKAGES_DIGEST);
        assertThat(d.layers().get(1).entries()).containsOnlyKeys("containerfile", "context:bin/run", "context:hello.txt",
                "context:link", "arg:CHANNEL", "arg:PKG");
    }

    @Test
    void aGitCommitOfTheSameFilesHasTheSameDigest(@TempDir Path git) throws Exception {
        writeContext(git);
        try (Git repo = Git.init().setDirectory(git.toFile()).setInitialBranch("main").call()) {
            repo.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
            repo.commit().setMessage("c").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        try (GitSource source = GitSource.open(git.toString())) {
            assertThat(digest(source.at("HEAD"), packages()).digest()).isEqualTo(PACKAGES_DIGEST);
        }
    }

    @Test
    void everyChangeTheBuildCouldSeeChangesTheDigest() throws IOException {
        writeContext(root);
        FolderTree tree = new FolderTree(root);
        String before = digest(tree, packages()).digest();
        Path ctx = root.resolve("images/packages/context");
        List<Consumer<Path>> changes = List.of(
                p -> write(p.resolve("hello.txt"), "hello!\n"),
                p -> chmod(p.resolve("hello.txt"), "rwxr-xr-x"),
                p -> write(p.resolve(".hidden"), "x"),
                p -> relink(p.resolve("link"), "bin/run"),
                p -> write(p.resolve("../Containerfile"), CONTAINERFILE + "RUN true\n"));
        for (Consumer<Path> change : changes) {
            change.accept(ctx);
            String after = digest(tree, packages()).digest();
            assertThat(after).isNotEqualTo(before);
            before = after;
        }
        assertThat(digest(tree, packages(Map.of("PKG", "hello", "CHANNEL", "testing"))).digest()).isNotEqualTo(before);
    }

    @Test
    void movingTheContainerfileAndContextElsewhereKeepsTheDigest(@TempDir Path other) throws IOException {
        String here = digest(new FolderTree(writeContext(root)), packages()).digest();
        writeContext(other);
        Files.move(other.resolve("images/packages"), other.resolve("images/pk"));
        Image moved = new Image("packages", new ImageSource.FromStream("fcos"), Map.of(), List.of(packages().layers().get(0),
                new Layer("packages", List.of(), List.of(), Layer.SystemdUnits.NONE, List.of(), Optional.of(
                        new Layer.Containerfile("../pk/Containerfile", Optional.of("../pk/context"), Map.of("PKG", "hello", "CHANNEL", "stable"))))),
                new Origin("images/sub/packages.yaml", 0));
        assertThat(digest(new FolderTree(other), moved).digest()).isEqualTo(here);
    }

    @Test
    void aContextSymlinkLeadingOutIsRefused() throws IOException {
        writeContext(root);
        Files.createSymbolicLink(root.resolve("images/packages/context/out"), Path.of("../Containerfile"));
        assertThatThrownBy(() -> digest(new FolderTree(root), packages()))
                .hasMessageContaining("the symlink out leads out of the context");
    }

    private static void write(Path p, String s) {
        try {
            Files.writeString(p, s, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void chmod(Path p, String perms) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void relink(Path p, String target) {
        try {
            Files.delete(p);
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
