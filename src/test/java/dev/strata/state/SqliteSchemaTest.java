package dev.strata.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import dev.strata.plan.Build;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.strata.state.Fixtures.build;
import static dev.strata.state.Fixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSchemaTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsCreatedAtTheLatestVersion() throws SQLException {
        Path file = dir.resolve("state.db");
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.schemaVersion()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
        }
        assertThat(pragma(file, "user_version")).isEqualTo(String.valueOf(SqliteSchema.latest(SqliteSchema.MIGRATIONS)));
        assertThat(pragma(file, "journal_mode")).isEqualTo("wal");
        assertThat(pragma(file, "application_id")).isEqualTo(String.valueOf(SqliteSchema.APPLICATION_ID));
    }

    @Test
    void anEmptyFileIsMigratedToo() throws Exception {
        Path file = Files.createFile(dir.resolve("state.db"));
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.schemaVersion()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
        }
    }

    @Test
    void reopeningChangesNothing() {
        Path file = dir.resolve("state.db");
        String fingerprint;
        try (StateStore store = SqliteStateStore.open(file)) {
            store.recordBuild(build("dc-bonded", 1));
            store.appendHistory(entry("dc-bonded", "built"));
            fingerprint = store.fingerprint();
        }
        for (int i = 0; i < 3; i++) {
            try (StateStore store = SqliteStateStore.open(file)) {
                assertThat(store.schemaVersion()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
                assertThat(store.fingerprint()).isEqualTo(fingerprint);
                assertThat(store.history(Optional.empty(), 10)).hasSize(1);
            }
        }
    }

    @Test
    void aFileFromANewerStrataIsRefused() throws SQLException {
        Path file = dir.resolve("state.db");
        SqliteStateStore.open(file).close();
        execute(file, "PRAGMA user_version = 99");

        assertThatThrownBy(() -> SqliteStateStore.open(file))
                .isInstanceOfSatisfying(SchemaTooNewException.class, e -> {
                    assertThat(e.found()).isEqualTo(99);
                    assertThat(e.supported()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
                })
                .hasMessage("state database " + file + " has schema version 99, newer than this strata understands ("
                        + SqliteSchema.latest(SqliteSchema.MIGRATIONS) + "); upgrade strata, or point --state at"
                        + " another file");
        assertThat(pragma(file, "user_version")).isEqualTo("99");
    }

    @Test
    void anotherProgramsDatabaseIsRefusedAndLeftAlone() throws SQLException {
        Path file = dir.resolve("other.db");
        execute(file, "CREATE TABLE notes (text TEXT)");

        assertThatThrownBy(() -> SqliteStateStore.open(file)).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("not a Strata state file");
        assertThat(pragma(file, "user_version")).isEqualTo("0");
        assertThat(pragma(file, "journal_mode")).isEqualTo("delete");
    }

    @Test
    void aFileThatIsNoDatabaseIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("state.db"), "machines:\n  - dc-east-01\n".repeat(20));
        assertThatThrownBy(() -> SqliteStateStore.open(file)).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("cannot open state database " + file)
                .hasMessageContaining("not a database");
    }

    @Test
    void aFolderIsRefused() {
        assertThatThrownBy(() -> SqliteStateStore.open(dir)).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("is a folder");
    }

    @Test
    void laterMigrationsUpgradeAnExistingFileKeepingItsData() throws SQLException {
        Path file = dir.resolve("state.db");
        try (StateStore store = SqliteStateStore.open(file)) {
            store.recordBuild(build("dc-bonded", 1));
        }
        List<SqliteSchema.Migration> next = new ArrayList<>(SqliteSchema.MIGRATIONS);
        int v = SqliteSchema.latest(SqliteSchema.MIGRATIONS) + 1;
        next.add(new SqliteSchema.Migration(v, "build notes", List.of(
                "ALTER TABLE builds ADD COLUMN note TEXT", "UPDATE builds SET note = 'migrated'")));

        try (StateStore store = SqliteStateStore.open(file, Duration.ofSeconds(5), next)) {
            assertThat(store.schemaVersion()).isEqualTo(v);
            assertThat(store.builds()).hasSize(1);
        }
        assertThat(query(file, "SELECT note FROM builds")).isEqualTo("migrated");
        assertThatThrownBy(() -> SqliteStateStore.open(file)).isInstanceOf(SchemaTooNewException.class);
    }

    @Test
    void aVersion4FileGainsBuildPlatformsKeepingItsBuilds() throws SQLException {
        Path file = dir.resolve("state.db");
        List<SqliteSchema.Migration> v4 = SqliteSchema.MIGRATIONS.stream().filter(m -> m.version() <= 4).toList();
        try (StateStore store = SqliteStateStore.open(file, Duration.ofSeconds(5), v4)) {
            assertThat(store.schemaVersion()).isEqualTo(4);
        }
        Build single = build("dc-bonded", 1);
        execute(file, "INSERT INTO builds (inputs_digest, image, image_digest, reference, git_commit, base_digest, built_at)"
                + " VALUES ('" + single.inputsDigest() + "', 'dc-bonded', '" + single.imageDigest() + "', '" + single.reference()
                + "', '" + single.commit() + "', '" + single.baseDigest() + "', " + single.builtAt().toEpochMilli() + ")");
        assertThat(query(file, "SELECT count(*) FROM sqlite_master WHERE name = 'build_platforms'")).isEqualTo("0");

        Build multi = new Build("edge", "sha256:" + "5".repeat(64), "sha256:" + "1".repeat(64),
                "registry.example/fleet/edge@sha256:" + "1".repeat(64), "c0ffee", single.baseDigest(), Optional.empty(),
                single.builtAt(), Optional.empty(), Optional.empty(),
                java.util.Map.of("linux/amd64", "sha256:" + "2".repeat(64), "linux/arm64", "sha256:" + "3".repeat(64)));
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.schemaVersion()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
            assertThat(store.builds()).containsExactly(java.util.Map.entry(single.inputsDigest(), single));
            store.recordBuild(multi);
        }
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.build(multi.inputsDigest())).contains(multi);
            assertThat(store.builds().get(multi.inputsDigest()).platforms()).containsOnlyKeys("linux/amd64", "linux/arm64");
            assertThat(store.builds().get(single.inputsDigest()).platforms()).isEmpty();
        }
    }

    @Test
    void aBuildAndItsPlatformsAreRecordedInOneTransaction() throws SQLException {
        Path file = dir.resolve("state.db");
        Build b = build("edge", 2);
        Build multi = new Build(b.image(), b.inputsDigest(), b.imageDigest(), b.reference(), b.commit(), b.baseDigest(),
                b.baseVersion(), b.builtAt(), b.created(), b.version(), java.util.Map.of("linux/arm64", "sha256:" + "4".repeat(64)));
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThatThrownBy(() -> store.transaction(tx -> {
                tx.recordBuild(multi);
                throw new IllegalStateException("the run failed after the build was recorded");
            })).hasMessageContaining("the run failed");
            assertThat(store.builds()).isEmpty();
        }
        assertThat(query(file, "SELECT count(*) FROM build_platforms")).isEqualTo("0");
    }

    @Test
    void aFailedMigrationLeavesTheFileAtThePreviousVersion() throws SQLException {
        Path file = dir.resolve("state.db");
        SqliteStateStore.open(file).close();
        int v = SqliteSchema.latest(SqliteSchema.MIGRATIONS) + 1;
        List<SqliteSchema.Migration> broken = new ArrayList<>(SqliteSchema.MIGRATIONS);
        broken.add(new SqliteSchema.Migration(v, "half done", List.of(
                "CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL")));

        assertThatThrownBy(() -> SqliteStateStore.open(file, Duration.ofSeconds(5), broken))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("to schema version " + v + " (half done) failed");

        assertThat(pragma(file, "user_version")).isEqualTo(String.valueOf(v - 1));
        assertThat(query(file, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'")).isEqualTo("0");
    }

    @Test
    void processesOpeningAFreshFileTogetherMigrateItOnce() throws Exception {
        Path file = dir.resolve("fresh/state.db");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> opens = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                opens.add(() -> {
                    try (StateStore store = SqliteStateStore.open(file)) {
                        store.appendHistory(entry("opener", "x"));
                        return store.schemaVersion();
                    }
                });
            }
            for (Future<Integer> version : pool.invokeAll(opens)) {
                assertThat(version.get()).isEqualTo(SqliteSchema.latest(SqliteSchema.MIGRATIONS));
            }
        } finally {
            pool.shutdownNow();
        }
        try (StateStore store = SqliteStateStore.open(file)) {
            assertThat(store.history(Optional.empty(), 100)).hasSize(6);
        }
    }

    static String pragma(Path file, String name) throws SQLException {
        return query(file, "PRAGMA " + name);
    }

    static String query(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    static void execute(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.execute();
        }
    }
}
