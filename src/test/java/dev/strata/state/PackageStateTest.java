package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.PackageDelta;
import dev.strata.plan.Packages;
import dev.strata.plan.Packages.Package;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.strata.state.Fixtures.build;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Package lists stored with builds (schema version 5), on real SQLite files. */
class PackageStateTest {
    static final Packages V1 = new Packages("rpm", List.of(new Package("NetworkManager", "1:1.52.0-1.fc43", "x86_64"),
            new Package("chrony", "4.6-2.fc43", "x86_64"), new Package("nano", "8.3-1.fc43", "x86_64")));
    static final Packages V2 = new Packages("rpm", List.of(new Package("NetworkManager", "1:1.52.1-1.fc43", "x86_64"),
            new Package("NetworkManager-wifi", "1:1.52.1-1.fc43", "x86_64"), new Package("chrony", "4.6-2.fc43", "x86_64")));

    @TempDir
    Path dir;

    @Test
    void aVersion4FileIsMigratedKeepingItsBuildsWhichThenHaveNoPackageList() {
        Path file = dir.resolve("state.db");
        Build old = build("dc-bonded", 1);
        try (StateStore v4 = SqliteStateStore.open(file, Duration.ofSeconds(5), SqliteSchema.MIGRATIONS.subList(0, 4))) {
            assertThat(v4.schemaVersion()).isEqualTo(4);
            v4.recordBuild(old);
        }

        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.schemaVersion()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
            assertThat(store.builds()).containsValue(old);
            assertThat(store.packages(old.inputsDigest())).isEmpty();
            assertThat(store.packageDeltas()).as("no list recorded yet").isEmpty();

            Build next = build("dc-bonded", 2);
            store.update(tx -> {
                tx.recordBuild(next);
                tx.recordPackages(next.inputsDigest(), V2);
            });
            assertThat(store.packages(next.inputsDigest())).contains(V2);
            assertThat(store.packageDeltas()).as("the build before has no list: everything counts as added")
                    .containsExactly(new PackageDelta("dc-bonded", Optional.empty(), next.imageDigest(),
                            Packages.delta(new Packages("rpm", List.of()), V2)));
        }
    }

    @Test
    void theDeltaIsAgainstThePreviousBuildOfTheSameImage() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            Build one = build("dc-bonded", 1), two = build("dc-bonded", 2), other = build("edge", 3);
            store.update(tx -> {
                tx.recordBuild(one);
                tx.recordPackages(one.inputsDigest(), V1);
                tx.recordBuild(other);
                tx.recordBuild(two);
                tx.recordPackages(two.inputsDigest(), V2);
            });

            PackageDelta d = store.packageDeltas().get(0);
            assertThat(store.packageDeltas()).hasSize(1);
            assertThat(d.previousDigest()).contains(one.imageDigest());
            assertThat(d.digest()).isEqualTo(two.imageDigest());
            assertThat(d.delta().added()).containsExactly(new Package("NetworkManager-wifi", "1:1.52.1-1.fc43", "x86_64"));
            assertThat(d.delta().removed()).containsExactly(new Package("nano", "8.3-1.fc43", "x86_64"));
            assertThat(d.delta().changed()).extracting(Object::toString)
                    .containsExactly("NetworkManager.x86_64 1:1.52.0-1.fc43 -> 1:1.52.1-1.fc43");
        }
    }

    @Test
    void aFailedTransactionRecordsNeitherTheBuildNorItsPackages() {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            Build b = build("dc-bonded", 1);
            assertThatThrownBy(() -> store.update(tx -> {
                tx.recordBuild(b);
                tx.recordPackages(b.inputsDigest(), V1);
                throw new IllegalStateException("crash before commit");
            })).hasMessageContaining("crash before commit");

            assertThat(store.builds()).isEmpty();
            assertThat(store.packages(b.inputsDigest())).isEmpty();
        }
    }

    @Test
    void aPackageLineThatCouldNotBeStoredIsRefused() {
        assertThatThrownBy(() -> new Package("evil\tname", "1", "x86_64")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Packages("apk", List.of())).hasMessageContaining("unknown package format apk");
    }
}
