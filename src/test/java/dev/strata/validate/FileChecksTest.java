package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.Diagnostic;
import dev.strata.source.FolderTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Symlinks that lead out of the repository. These live here rather than under
 * src/test/resources/invalid/ because a committed symlink does not survive every checkout.
 */
class FileChecksTest {
    private static final String FLEET = """
            apiVersion: strata.dev/v1alpha1
            kind: Fleet
            metadata:
              name: fixture
            spec: {}
            """;
    private static final String IMAGE = """
            apiVersion: strata.dev/v1alpha1
            kind: Image
            metadata:
              name: base
            spec:
              from: {ref: "quay.io/fedora/fedora-coreos@sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4"}
              layers:
                - name: config
                  files:
                    - {path: /etc/chrony.d/site.conf, source: files/site.conf}
            """;

    @TempDir
    Path temp;

    @Test
    void sourceThatIsASymlinkOutOfTheRepositoryEscapes() throws IOException {
        Path repo = fleet();
        Path secret = Files.writeString(temp.resolve("outside.conf"), "server ntp.example.com\n");
        Files.createDirectories(repo.resolve("images/files"));
        symlink(repo.resolve("images/files/site.conf"), secret);

        List<Diagnostic> ds = validate(repo);

        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo(Check.FILE_SOURCE_ESCAPES.id());
            assertThat(d.location()).hasToString("images/base.yaml:10:51");
            assertThat(d.path()).isEqualTo("spec.layers[0].files[0].source");
            assertThat(d.message()).contains("files/site.conf", "symlink", "outside the repository");
        });
    }

    @Test
    void sourceFolderThatIsASymlinkOutOfTheRepositoryEscapes() throws IOException {
        Path repo = fleet();
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("site.conf"), "server ntp.example.com\n");
        Files.createDirectories(repo.resolve("images"));
        symlink(repo.resolve("images/files"), outside);

        assertThat(validate(repo)).extracting(Diagnostic::check).containsExactly(Check.FILE_SOURCE_ESCAPES.id());
    }

    @Test
    void symlinkThatStaysInsideTheRepositoryIsFine() throws IOException {
        Path repo = fleet();
        Path shared = Files.createDirectories(repo.resolve("shared"));
        Files.writeString(shared.resolve("chrony.conf"), "server ntp.example.com\n");
        Files.createDirectories(repo.resolve("images/files"));
        symlink(repo.resolve("images/files/site.conf"), Path.of("../../shared/chrony.conf"));

        assertThat(validate(repo)).isEmpty();
    }

    @Test
    void specFileThatIsASymlinkOutOfTheRepositoryIsNotRead() throws IOException {
        Path repo = fleet();
        Files.delete(repo.resolve("images/base.yaml"));
        Path foreign = Files.writeString(temp.resolve("foreign.yaml"), IMAGE);
        symlink(repo.resolve("images/base.yaml"), foreign);

        assertThat(validate(repo)).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo(Check.FILE_SOURCE_ESCAPES.id());
            assertThat(d.location()).hasToString("images/base.yaml");
            assertThat(d.message()).startsWith("spec file images/base.yaml is a symlink to");
        });
    }

    /** A repository folder with a Fleet and an image whose file comes from images/files/site.conf. */
    private Path fleet() throws IOException {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        Files.writeString(repo.resolve("fleet.yaml"), FLEET);
        Files.createDirectories(repo.resolve("images"));
        Files.writeString(repo.resolve("images/base.yaml"), IMAGE);
        return repo;
    }

    private static void symlink(Path link, Path target) throws IOException {
        Files.createSymbolicLink(link, target); // Strata runs on Linux, where this always works
    }

    private static List<Diagnostic> validate(Path repo) throws IOException {
        return new Validator().validate(new FolderTree(repo), "").diagnostics();
    }
}
