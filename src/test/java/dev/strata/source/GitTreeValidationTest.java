package dev.strata.source;

import dev.strata.diag.Diagnostic;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The loader and checks see a commit exactly as they see the same files in a folder. */
class GitTreeValidationTest {
    @TempDir
    Path tmp;

    @Test
    void theExampleFleetValidatesTheSameFromACommitAsFromTheFolder() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            copy(Path.of("fleet-example"), repo.dir.resolve("fleet"));
            repo.commit("fleet");
            Validator validator = new Validator();
            Validation fromFolder = validator.validate(new FolderTree(repo.dir), "fleet");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                Validation fromGit = validator.validate(source.head(), "fleet");
                assertThat(fromGit.valid()).isTrue();
                assertThat(fromGit.diagnostics()).isEqualTo(fromFolder.diagnostics());
                assertThat(fromGit.fleet()).isEqualTo(fromFolder.fleet());
                assertThat(fromGit.stats()).isEqualTo(fromFolder.stats());
            }
        }
    }

    @Test
    void aFileSourceThatIsAnEscapingSymlinkIsReportedFromTheCommit() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            copy(Path.of("fleet-example"), repo.dir.resolve("fleet"));
            Path nm = repo.dir.resolve("fleet/images/files/bond0.nmconnection");
            Files.delete(nm);
            Files.createSymbolicLink(nm, Path.of("../../../../outside.nmconnection"));
            repo.commit("escape");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                Validation v = new Validator().validate(source.head(), "fleet");
                assertThat(v.valid()).isFalse();
                assertThat(v.diagnostics()).map(Diagnostic::message).anySatisfy(m -> assertThat(m)
                        .contains("bond0.nmconnection is a symlink to ../../../../outside.nmconnection, outside the repository"));
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
