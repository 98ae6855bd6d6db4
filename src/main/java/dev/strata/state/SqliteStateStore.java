package dev.strata.state;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import static dev.strata.state.Sql.first;
import static dev.strata.state.Sql.millis;
import static dev.strata.state.Sql.time;

/**
 * The embedded state store: one SQLite file.
 *
 * <ul>
 *   <li><b>Crash safety.</b> Write-ahead logging with {@code synchronous=FULL}: a transaction that has
 *   returned is on disk, and a crash at any point (process killed, power lost) leaves every transaction
 *   either wholly applied or not at all. Each migration is a transaction of its own.</li>
 *   <li><b>Several processes.</b> SQLite serialises writers; a writer that finds another one waits up
 *   to the busy timeout. Write transactions start {@code BEGIN IMMEDIATE}, so they never fail midway
 *   for want of a lock. Within a process, one store serialises its callers' transactions.</li>
 *   <li><b>Schema.</b> Versioned by {@code PRAGMA user_version}; a file from a newer Strata is refused
 *   ({@link SchemaTooNewException}), and so is a SQLite file that is not Strata's.</li>
 * </ul>
 *
 * <p>The file must be on a local filesystem: SQLite's write-ahead log needs shared memory between the
 * processes using it, which network filesystems do not give. Shared state is what a server database is for.
 */
public final class SqliteStateStore implements StateStore {
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

    private final Path file;
    private final Connection connection;
    private final StatementCache statements;
    private final int schemaVersion;
    /** One transaction at a time on the one connection. */
    private final ReentrantLock guard = new ReentrantLock();
    private final Set<FileRunLock> runLocks = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SqliteStateStore(Path file, Connection connection, int schemaVersion) {
        this.file = file;
        this.connection = connection;
        this.statements = new StatementCache(connection);
        this.schemaVersion = schemaVersion;
    }

    /** Opens (creating it and its folders when missing) the state file, and migrates it to the current schema. */
    public static SqliteStateStore open(Path file) {
        return open(file, DEFAULT_BUSY_TIMEOUT);
    }

    /** As {@link #open(Path)}, waiting up to {@code busyTimeout} when another process is writing. */
    public static SqliteStateStore open(Path file, Duration busyTimeout) {
        return open(file, busyTimeout, SqliteSchema.MIGRATIONS);
    }

    static SqliteStateStore open(Path file, Duration busyTimeout, List<SqliteSchema.Migration> migrations) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new StateStoreException("state path " + abs + " is a folder; it should name a file, such as "
                    + abs.resolve("state.db"));
        }
        try {
            StateLocation.createParents(abs);
            StateLocation.createOwnerOnly(abs);
        } catch (IOException e) {
            throw new StateStoreException("cannot create state file " + abs + ": " + e, e);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + abs);
            SqliteSchema.execute(c, "PRAGMA busy_timeout = " + busyTimeout.toMillis());
            SqliteSchema.execute(c, "PRAGMA foreign_keys = ON");
            SqliteSchema.checkIdentity(c, abs.toString(), migrations);
            String mode = switchToWal(c, busyTimeout);
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new StateStoreException("state database " + abs + " cannot use write-ahead logging (journal"
                        + " mode stayed " + mode + "); keep the state file on a local filesystem");
            }
            SqliteSchema.execute(c, "PRAGMA synchronous = FULL");
            int version = SqliteSchema.migrate(c, abs.toString(), migrations);
            return new SqliteStateStore(abs, c, version);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, e);
            if (e instanceof StateStoreException sse) {
                throw sse;
            }
            throw new StateStoreException("cannot open state database " + abs + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T read(Function<? super StateReader, T> work) {
        return run(false, sql -> work.apply(new SqliteAccess(sql)));
    }

    @Override
    public <T> T transaction(Function<? super StateTransaction, T> work) {
        return run(true, sql -> work.apply(new SqliteAccess(sql)));
    }

    private <T> T run(boolean write, Function<Sql, T> work) {
        if (guard.isHeldByCurrentThread()) {
            throw new IllegalStateException("already in a transaction on this store: use the StateTransaction"
                    + " passed to the work rather than the store");
        }
        guard.lock();
        try {
            if (closed) {
                throw new IllegalStateException("state store " + file + " is closed");
            }
            Sql sql = new Sql(statements, file.toString(), write);
            begin(write);
            try {
                T result = work.apply(sql);
                SqliteSchema.execute(connection, "COMMIT");
                return result;
            } catch (SQLException e) {
                SqliteSchema.rollbackQuietly(connection, e);
                throw new StateStoreException("state database " + file + ": commit failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                SqliteSchema.rollbackQuietly(connection, e);
                throw e;
            } finally {
                sql.end();
            }
        } finally {
            guard.unlock();
        }
    }

    private void begin(boolean write) {
        try {
            // IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a write never
            // fails halfway through because another process wrote since this one read.
            SqliteSchema.execute(connection, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        } catch (SQLException e) {
            if (e instanceof SQLiteException se && se.getResultCode().code == SQLiteErrorCode.SQLITE_BUSY.code) {
                throw new StateStoreException("state database " + file + " is busy: another process has been"
                        + " writing to it for longer than the busy timeout (" + e.getMessage() + ")", e);
            }
            throw new StateStoreException("state database " + file + ": " + e.getMessage(), e);
        }
    }

    // The run lock

    /**
     * {@inheritDoc}
     *
     * <p>Here the lock is an OS lock on {@code <state>.lock} (see {@link StateLocation#lockFile()}), which
     * the OS releases when the holder ends, however it ends; the holder's record in the database only
     * serves messages. Another store in this same process holding it counts as another run.
     */
    @Override
    public RunLock acquireRunLock(String command, Duration wait) throws RunLockedException {
        return acquireRunLock(LockHolder.current(command), wait);
    }

    RunLock acquireRunLock(LockHolder me, Duration wait) throws RunLockedException {
        FileRunLock lock = FileRunLock.acquire(this, lockFile(), me, wait);
        runLocks.add(lock);
        return lock;
    }

    @Override
    public Optional<LockHolder> runLockHolder() {
        return run(false, SqliteStateStore::holderRecord);
    }

    /**
     * {@inheritDoc}
     *
     * <p>On a local filesystem this is never needed: the OS lock dies with its process, and the next
     * {@link #acquireRunLock} clears the record left behind. When the OS lock is free, this only removes
     * that record. When it is taken, by a process on another host or one this host cannot see (some
     * network and container filesystems keep locks after the process is gone), this removes the record
     * and deletes the lock file, so the next run locks a fresh file. <b>The trade-off:</b> if the holder
     * is in fact still running, it keeps its lock on the deleted file, and two runs can then apply at
     * once. Each transaction stays atomic, and apply still refuses a plan whose state moved, but
     * decisions can interleave. Break a lock only once you know its holder has stopped.
     */
    @Override
    public Optional<LockHolder> breakRunLock() {
        Path lockFile = lockFile();
        if (FileRunLock.heldHere(lockFile)) {
            throw new StateStoreException("this process holds the run lock on " + file + "; release it rather"
                    + " than breaking it");
        }
        Optional<FileRunLock.OsLock> free = FileRunLock.OsLock.tryTake(lockFile);
        if (free.isPresent()) {
            try {
                return removeRunLockRecord();
            } finally {
                free.get().release();
            }
        }
        Optional<LockHolder> holder = runLockHolder();
        if (holder.filter(LockHolder::isAliveHere).isPresent()) {
            throw new StateStoreException("the run lock on " + file + " is held by " + holder.get().describe()
                    + ", which is still running; stop that process rather than breaking its lock");
        }
        Optional<LockHolder> removed = removeRunLockRecord();
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            throw new StateStoreException("cannot delete lock file " + lockFile + ": " + e, e);
        }
        return removed;
    }

    Optional<LockHolder> claimRunLock(String token, LockHolder holder) {
        return run(true, sql -> {
            Optional<LockHolder> stale = holderRecord(sql);
            sql.update("INSERT OR REPLACE INTO run_lock (slot, token, pid, host, command, since)"
                            + " VALUES (1, ?, ?, ?, ?, ?)",
                    token, holder.pid(), holder.host(), holder.command(), millis(holder.since()));
            return stale;
        });
    }

    void releaseRunLock(FileRunLock lock, String token) {
        runLocks.remove(lock);
        if (!closed) {
            run(true, sql -> sql.update("DELETE FROM run_lock WHERE slot = 1 AND token = ?", token));
        }
    }

    private Optional<LockHolder> removeRunLockRecord() {
        return run(true, sql -> {
            Optional<LockHolder> holder = holderRecord(sql);
            sql.update("DELETE FROM run_lock WHERE slot = 1");
            return holder;
        });
    }

    private static Optional<LockHolder> holderRecord(Sql sql) {
        return first(sql.query("SELECT pid, host, command, since FROM run_lock WHERE slot = 1",
                r -> new LockHolder(r.getLong("pid"), r.getString("host"), r.getString("command"),
                        time(r, "since"))));
    }

    private Path lockFile() {
        return StateLocation.lockFileOf(file);
    }

    // The rest

    /** SQLite's {@code PRAGMA data_version}: it moves when another connection commits. */
    @Override
    public java.util.OptionalLong externalChanges() {
        guard.lock();
        try {
            if (closed) throw new IllegalStateException("state store " + file + " is closed");
            return java.util.OptionalLong.of(SqliteSchema.intOf(connection, "PRAGMA data_version"));
        } catch (SQLException e) {
            throw new StateStoreException("state database " + file + ": " + e.getMessage(), e);
        } finally {
            guard.unlock();
        }
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public String location() {
        return file.toString();
    }

    public Path file() {
        return file;
    }

    /** Releases any run lock this store still holds, then closes the database. */
    @Override
    public void close() {
        for (FileRunLock lock : List.copyOf(runLocks)) {
            lock.close();
        }
        guard.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            statements.closeAll();
            connection.close();
        } catch (SQLException e) {
            throw new StateStoreException("closing state database " + file + ": " + e.getMessage(), e);
        } finally {
            guard.unlock();
        }
    }

    /**
     * Turns on write-ahead logging (a no-op once the file has it). SQLite answers a busy file here without
     * calling the busy handler, as when several processes open a new file at once, so this waits itself.
     */
    private static String switchToWal(Connection c, Duration busyTimeout) throws SQLException {
        long deadline = System.nanoTime() + busyTimeout.toNanos();
        while (true) {
            try {
                return text(c, "PRAGMA journal_mode = WAL");
            } catch (SQLiteException e) {
                if (e.getResultCode().code != SQLiteErrorCode.SQLITE_BUSY.code || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StateStoreException("interrupted while opening the state database");
            }
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private static void closeQuietly(Connection c, Exception failure) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
