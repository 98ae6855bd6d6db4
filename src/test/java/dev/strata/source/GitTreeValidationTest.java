package dev.strata.source;

import dev.strata.diag.Diagnostic;
import dev.strata.load.FleetLoader;
import dev.strata.load.LoadLimits;
import dev.strata.load.LoadResult;
import dev.strata.spec.MachineGroup;
import dev.strata.validate.SchemaValidator;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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

    /**
     * A validator that reuses unchanged files, reading a second commit, takes what it made of the files
     * whose blob did not change without reading them again, and still gives exactly what a fresh
     * validator gives: records, diagnostics of unchanged and changed files, stats.
     */
    @Test
    void aSecondCommitReusesUnchangedBlobsAndValidatesAsAFreshValidatorDoes() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            copy(Path.of("fleet-example"), repo.dir.resolve("fleet"));
            // A problem in a file that does not change: it is reported from both commits.
            repo.write("fleet/groups/broken.yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: MachineGroup
                    metadata: {name: broken}
                    spec: {image: dc-bonded, delivery: bootc, colour: red}
                    """);
            repo.commit("base");
            Path east = repo.dir.resolve("fleet/groups/dc-east.yaml");
            Files.writeString(east, Files.readString(east).replace("bakeTime: 30m", "bakeTime: 45m")
                    .replace("name: dc-east-10", "name: dc-east-01"));
            repo.commit("head");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                Validator validator = Validator.reusingUnchangedFiles();
                Validation base = validator.validate(source.at("HEAD~1"), "fleet");
                Validation head = validator.validate(source.at("HEAD"), "fleet");
                Validation fresh = new Validator().validate(source.at("HEAD"), "fleet");

                assertThat(head.diagnostics()).isEqualTo(fresh.diagnostics());
                assertThat(head.stats()).isEqualTo(fresh.stats());
                assertThat(head.diagnostics()).map(Diagnostic::path).contains("spec.colour", "spec.machines[9].name");
                assertThat(base.diagnostics()).map(Diagnostic::path).contains("spec.colour")
                        .doesNotContain("spec.machines[9].name");

                // Reused: the records of unchanged files are the very same objects; the changed file is read again.
                var cached = new FleetLoader(LoadLimits.DEFAULT, new SchemaValidator(), Optional.of(new FleetLoader.FileCache()));
                LoadResult first = cached.load(source.at("HEAD~1"), "fleet");
                LoadResult second = cached.load(source.at("HEAD"), "fleet");
                LoadResult again = new FleetLoader(LoadLimits.DEFAULT, new SchemaValidator()).load(source.at("HEAD"), "fleet");
                assertThat(second.images()).isEqualTo(again.images());
                assertThat(second.groups()).isEqualTo(again.groups());
                assertThat(second.diagnostics()).isEqualTo(again.diagnostics());
                assertThat(second.images().get(0)).isSameAs(first.images().get(0));
                assertThat(group(second, "edge")).isSameAs(group(first, "edge"));
                assertThat(group(second, "dc-east")).isNotSameAs(group(first, "dc-east")).isEqualTo(group(again, "dc-east"));
            }
        }
    }

    private static MachineGroup group(LoadResult r, String name) {
        return r.groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
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
