package dev.strata.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run lock of a {@link SqliteStateStore}: an OS lock on {@code <state>.lock}, which the OS releases
 * when the process ends however it ends (even {@code kill -9}), plus a record in the database naming
 * the holder for other runs' messages. The record is written after the OS lock is taken and removed
 * before it is released, so a record with no OS lock behind it was left by a run that died.
 */
final class FileRunLock implements RunLock {
    private static final long POLL_MILLIS = 100;

    /**
     * Lock files this JVM holds. OS locks belong to the process, not the thread: a second lock attempt
     * from this JVM must not even open the file, since closing any channel on it would drop the lock.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final SqliteStateStore store;
    private final OsLock osLock;
    private final String token;
    private final LockHolder holder;
    private final Optional<LockHolder> clearedStale;
    private boolean released;

    private FileRunLock(SqliteStateStore store, OsLock osLock, String token, LockHolder holder,
                        Optional<LockHolder> clearedStale) {
        this.store = store;
        this.osLock = osLock;
        this.token = token;
        this.holder = holder;
        this.clearedStale = clearedStale;
    }

    static FileRunLock acquire(SqliteStateStore store, Path lockFile, LockHolder me, Duration wait)
            throws RunLockedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<OsLock> os = OsLock.tryTake(lockFile);
            if (os.isPresent()) {
                String token = UUID.randomUUID().toString();
                try {
                    Optional<LockHolder> stale = store.claimRunLock(token, me);
                    return new FileRunLock(store, os.get(), token, me, stale);
                } catch (RuntimeException e) {
                    os.get().release();
                    throw e;
                }
            }
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new RunLockedException(store.location(), store.runLockHolder(), wait);
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, leftMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RunLockedException.interrupted(store.location());
            }
        }
    }

    static boolean heldHere(Path lockFile) {
        return HELD_HERE.contains(OsLock.key(lockFile));
    }

    @Override
    public LockHolder holder() {
        return holder;
    }

    @Override
    public Optional<LockHolder> clearedStale() {
        return clearedStale;
    }

    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            store.releaseRunLock(this, token);
        } finally {
            osLock.release();
        }
    }

    /** An OS lock on a lock file, held through an open channel. */
    record OsLock(Path key, FileChannel channel, FileLock lock) {
        static Optional<OsLock> tryTake(Path lockFile) {
            Path key;
            try {
                StateLocation.createOwnerOnly(lockFile.toAbsolutePath());
                key = key(lockFile);
            } catch (IOException e) {
                throw new StateStoreException("cannot create lock file " + lockFile + ": " + e.getMessage(), e);
            }
            if (!HELD_HERE.add(key)) {
                return Optional.empty();
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(key, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return Optional.of(new OsLock(key, channel, lock));
                }
                channel.close();
                HELD_HERE.remove(key);
                return Optional.empty();
            } catch (IOException | OverlappingFileLockException e) {
                closeQuietly(channel);
                HELD_HERE.remove(key);
                throw new StateStoreException("cannot lock " + key + ": " + e.getMessage(), e);
            }
        }

        /** One key per file, however it is named (links included), since OS locks are per file. */
        static Path key(Path lockFile) {
            try {
                return lockFile.toRealPath();
            } catch (IOException e) {
                return lockFile.toAbsolutePath().normalize();
            }
        }

        void release() {
            try {
                lock.release();
            } catch (IOException e) {
                // Closing the channel below releases it too.
            } finally {
                closeQuietly(channel);
                HELD_HERE.remove(key);
            }
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Nothing is left to release: the OS drops the lock with the descriptor.
                }
            }
        }
    }
}
