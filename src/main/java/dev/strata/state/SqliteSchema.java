package dev.strata.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The SQLite schema, as an ordered list of migrations. {@code PRAGMA user_version} is the version a file
 * is at; each migration runs in a transaction of its own, so a crash leaves a file at one version or
 * the next, never in between. Append new migrations; never edit one that has shipped.
 */
final class SqliteSchema {
    /** {@code PRAGMA application_id}: "STRA", so a file is known to be a Strata state file. */
    static final int APPLICATION_ID = 0x53545241;

    record Migration(int version, String description, List<String> statements) {
        Migration {
            statements = List.copyOf(statements);
        }
    }

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "builds, group rollouts, waves, approvals, machines, streams, history, run lock", List.of(
                    "PRAGMA application_id = " + APPLICATION_ID,
                    """
                    CREATE TABLE builds (
                      inputs_digest TEXT PRIMARY KEY,
                      image TEXT NOT NULL,
                      image_digest TEXT NOT NULL,
                      reference TEXT NOT NULL,
                      git_commit TEXT NOT NULL,
                      base_digest TEXT NOT NULL,
                      base_version TEXT,
                      built_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE groups (
                      name TEXT PRIMARY KEY,
                      target TEXT,
                      previous TEXT,
                      started_at INTEGER,
                      status TEXT NOT NULL,
                      paused_by_operator INTEGER NOT NULL CHECK (paused_by_operator IN (0, 1))
                    ) STRICT""",
                    """
                    CREATE TABLE group_rejected_digests (
                      group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,
                      digest TEXT NOT NULL,
                      PRIMARY KEY (group_name, digest)
                    ) STRICT""",
                    """
                    CREATE TABLE waves (
                      group_name TEXT NOT NULL REFERENCES groups(name) ON DELETE CASCADE,
                      target TEXT NOT NULL,
                      wave TEXT NOT NULL,
                      started_at INTEGER NOT NULL,
                      released INTEGER NOT NULL CHECK (released >= 0),
                      succeeded INTEGER NOT NULL CHECK (succeeded >= 0),
                      failed INTEGER NOT NULL CHECK (failed >= 0),
                      completed_at INTEGER,
                      PRIMARY KEY (group_name, target, wave)
                    ) STRICT""",
                    """
                    CREATE TABLE approvals (
                      group_name TEXT NOT NULL,
                      digest TEXT NOT NULL,
                      approved_by TEXT NOT NULL,
                      approved_at INTEGER NOT NULL,
                      PRIMARY KEY (group_name, digest)
                    ) STRICT""",
                    """
                    CREATE TABLE machines (
                      id TEXT PRIMARY KEY,
                      booted TEXT,
                      booted_since INTEGER,
                      staged TEXT,
                      released_digest TEXT,
                      released_at INTEGER,
                      failure TEXT,
                      last_report INTEGER
                    ) STRICT""",
                    """
                    CREATE TABLE streams (
                      name TEXT PRIMARY KEY,
                      digest TEXT NOT NULL,
                      version TEXT,
                      source TEXT NOT NULL,
                      resolved_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE history (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      at INTEGER NOT NULL,
                      revision TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      subject TEXT NOT NULL,
                      detail TEXT NOT NULL,
                      reason TEXT NOT NULL
                    ) STRICT""",
                    "CREATE INDEX history_by_subject ON history (subject, seq)",
                    """
                    CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
                    """
                    CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END""",
                    """
                    CREATE TABLE run_lock (
                      slot INTEGER PRIMARY KEY CHECK (slot = 1),
                      token TEXT NOT NULL,
                      pid INTEGER NOT NULL,
                      host TEXT NOT NULL,
                      command TEXT NOT NULL,
                      since INTEGER NOT NULL
                    ) STRICT""")),
            // The inputs each image was last built from, so a later plan can say which files changed.
            new Migration(2, "inputs of each image's latest build", List.of(
                    """
                    CREATE TABLE image_inputs (
                      image TEXT PRIMARY KEY,
                      inputs_digest TEXT NOT NULL,
                      body TEXT NOT NULL,
                      recorded_at INTEGER NOT NULL
                    ) STRICT""")),
            // What delivery keeps: FleetLock holders, agent token hashes, unknown ids, rollback deployments.
            new Migration(3, "FleetLock holders, machine tokens, unknown machines, rollback deployments", List.of(
                    """
                    CREATE TABLE fleetlock_holders (
                      machine_id TEXT PRIMARY KEY,
                      group_name TEXT NOT NULL,
                      granted_at INTEGER NOT NULL,
                      failed_at INTEGER,
                      failure TEXT,
                      CHECK ((failed_at IS NULL) = (failure IS NULL))
                    ) STRICT""",
                    "CREATE INDEX fleetlock_holders_by_group ON fleetlock_holders (group_name, granted_at)",
                    """
                    CREATE TABLE machine_tokens (
                      machine_id TEXT PRIMARY KEY,
                      token_sha256 TEXT NOT NULL CHECK (length(token_sha256) = 64),
                      issued_at INTEGER NOT NULL
                    ) STRICT""",
                    """
                    CREATE TABLE unknown_machines (
                      id TEXT PRIMARY KEY,
                      first_seen INTEGER NOT NULL,
                      last_seen INTEGER NOT NULL,
                      endpoint TEXT NOT NULL,
                      count INTEGER NOT NULL CHECK (count >= 1)
                    ) STRICT""",
                    "ALTER TABLE machines ADD COLUMN rollback TEXT",
                    "ALTER TABLE machines ADD COLUMN rolled_back_from TEXT",
                    "ALTER TABLE machines ADD COLUMN rolled_back_at INTEGER")),
            // Zincati's update graph (docs/zincati.md): each group's releases, their payloads per basearch, each
            // machine's last poll; and a build's own created time and version, which a release needs.
            new Migration(4, "zincati releases, release payloads, graph polls; builds' created time and version", List.of(
                    "ALTER TABLE builds ADD COLUMN created INTEGER",
                    "ALTER TABLE builds ADD COLUMN version TEXT",
                    """
                    CREATE TABLE releases (
                      group_name TEXT NOT NULL,
                      age_index INTEGER NOT NULL CHECK (age_index >= 1),
                      version TEXT NOT NULL,
                      image TEXT NOT NULL,
                      inputs_digest TEXT NOT NULL,
                      image_digest TEXT NOT NULL,
                      created INTEGER NOT NULL,
                      published_at INTEGER NOT NULL,
                      barrier TEXT,
                      dead_end TEXT,
                      PRIMARY KEY (group_name, age_index)
                    ) STRICT""",
                    """
                    CREATE TABLE release_payloads (
                      group_name TEXT NOT NULL,
                      age_index INTEGER NOT NULL,
                      basearch TEXT NOT NULL,
                      payload TEXT NOT NULL,
                      PRIMARY KEY (group_name, age_index, basearch),
                      FOREIGN KEY (group_name, age_index) REFERENCES releases (group_name, age_index)
                    ) STRICT""",
                    """
                    CREATE TRIGGER releases_only_gain_dead_ends BEFORE UPDATE ON releases
                    WHEN NEW.group_name IS NOT OLD.group_name OR NEW.age_index IS NOT OLD.age_index
                      OR NEW.version IS NOT OLD.version OR NEW.image_digest IS NOT OLD.image_digest
                      OR NEW.created IS NOT OLD.created OR NEW.barrier IS NOT OLD.barrier
                      OR (OLD.dead_end IS NOT NULL AND NEW.dead_end IS NOT OLD.dead_end)
                    BEGIN SELECT RAISE(ABORT, 'a release only ever gains a dead-end mark'); END""",
                    """
                    CREATE TRIGGER releases_are_kept BEFORE DELETE ON releases
                    BEGIN SELECT RAISE(ABORT, 'releases are kept: machines may still boot them'); END""",
                    """
                    CREATE TABLE graph_polls (
                      machine_id TEXT PRIMARY KEY,
                      group_name TEXT NOT NULL,
                      at INTEGER NOT NULL,
                      basearch TEXT NOT NULL,
                      os_version TEXT NOT NULL,
                      payload TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      release_age INTEGER
                    ) STRICT""")),
            // A built image's package list (docs/packages.md), one row per build that has one: "name TAB version
            // TAB arch" lines, sorted. Written in the build's own transaction.
            new Migration(5, "package lists of builds", List.of("""
                    CREATE TABLE build_packages (
                      inputs_digest TEXT PRIMARY KEY REFERENCES builds (inputs_digest),
                      format TEXT NOT NULL CHECK (format IN ('rpm', 'dpkg')),
                      packages TEXT NOT NULL
                    ) STRICT""")),
            // A multi-arch build's manifest per platform (docs/build.md): the digest its machines boot.
            new Migration(6, "multi-arch builds' manifest digest per platform", List.of(
                    """
                    CREATE TABLE build_platforms (
                      inputs_digest TEXT NOT NULL REFERENCES builds (inputs_digest),
                      platform TEXT NOT NULL,
                      manifest_digest TEXT NOT NULL,
                      PRIMARY KEY (inputs_digest, platform)
                    ) STRICT""")));

    private SqliteSchema() {
    }

    static int latest(List<Migration> migrations) {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /**
     * Refuses a file that is not a Strata state file, or one at a newer version than {@code migrations}
     * reach. Call before changing anything in the file.
     */
    static void checkIdentity(Connection c, String location, List<Migration> migrations) throws SQLException {
        // One read transaction, so all three reads see the same state even while another process migrates.
        execute(c, "BEGIN DEFERRED");
        try {
            int version = userVersion(c);
            int applicationId = intOf(c, "PRAGMA application_id");
            int tables = intOf(c, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
            execute(c, "COMMIT");
            if (version == 0 ? tables > 0 : applicationId != APPLICATION_ID) {
                throw new StateStoreException(location + " is a SQLite database but not a Strata state file;"
                        + " point --state at another file");
            }
            if (version > latest(migrations)) {
                throw new SchemaTooNewException(location, version, latest(migrations));
            }
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    /** Brings the file up to the last migration; returns the version it is then at. */
    static int migrate(Connection c, String location, List<Migration> migrations) throws SQLException {
        for (Migration m : migrations) {
            if (userVersion(c) >= m.version()) {
                continue; // Opening an up-to-date file takes no write lock.
            }
            execute(c, "BEGIN IMMEDIATE");
            try {
                // Read inside the write transaction: another process may have migrated meanwhile.
                int current = userVersion(c);
                if (current > latest(migrations)) {
                    throw new SchemaTooNewException(location, current, latest(migrations));
                }
                if (current >= m.version()) {
                    execute(c, "ROLLBACK");
                    continue;
                }
                for (String sql : m.statements()) {
                    execute(c, sql);
                }
                execute(c, "PRAGMA user_version = " + m.version());
                execute(c, "COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                if (e instanceof StateStoreException sse) {
                    throw sse;
                }
                throw new StateStoreException("migrating state database " + location + " to schema version "
                        + m.version() + " (" + m.description() + ") failed: " + e.getMessage(), e);
            }
        }
        return userVersion(c);
    }

    static int userVersion(Connection c) throws SQLException {
        return intOf(c, "PRAGMA user_version");
    }

    static int intOf(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.execute();
        }
    }

    /** Rolls back what is open on {@code c}; SQLite may already have rolled back by itself (after I/O errors). */
    static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                failure.addSuppressed(e);
            }
        }
    }
}
