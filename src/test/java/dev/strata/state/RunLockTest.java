package dev.strata.state;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunLockTest {
    private static final Duration CHILD_START = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Path file;
    SqliteStateStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("state.db");
        store = SqliteStateStore.open(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theLockRecordsItsHolderUntilReleased() throws Exception {
        try (RunLock lock = store.acquireRunLock("strata apply", Duration.ZERO)) {
            assertThat(lock.holder().pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(lock.holder().host()).isEqualTo(LockHolder.localHost());
            assertThat(lock.clearedStale()).isEmpty();
            assertThat(store.runLockHolder()).contains(lock.holder());
            assertThat(Files.exists(dir.resolve("state.db.lock"))).isTrue();
        }
        assertThat(store.runLockHolder()).isEmpty();
        store.acquireRunLock("strata apply", Duration.ZERO).close();
    }

    @Test
    void aSecondStoreFailsAtOnceNamingTheHolder() throws Exception {
        try (SqliteStateStore other = SqliteStateStore.open(file);
             RunLock held = store.acquireRunLock("strata reconcile", Duration.ZERO)) {
            assertThatThrownBy(() -> other.acquireRunLock("strata apply", Duration.ZERO))
                    .isInstanceOfSatisfying(RunLockedException.class, e -> {
                        assertThat(e.holder()).contains(held.holder());
                        assertThat(e.location()).isEqualTo(file.toString());
                    })
                    .hasMessageStartingWith("another strata run (pid " + ProcessHandle.current().pid() + " on "
                            + LockHolder.localHost() + ", \"strata reconcile\", since ")
                    .hasMessageContaining("holds the run lock on " + file + ".");
        }
    }

    @Test
    void aSecondStoreWaitsForTheLockToComeFree() throws Exception {
        try (SqliteStateStore other = SqliteStateStore.open(file)) {
            RunLock held = store.acquireRunLock("strata reconcile", Duration.ZERO);
            CompletableFuture<RunLock> waiting = acquireInBackground(other, Duration.ofSeconds(20));
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            held.close();
            try (RunLock got = waiting.get(20, TimeUnit.SECONDS)) {
                assertThat(store.runLockHolder()).contains(got.holder());
                assertThat(got.clearedStale()).isEmpty();
            }
        }
    }

    @Test
    void waitingGivesUpAfterTheTimeout() throws Exception {
        try (SqliteStateStore other = SqliteStateStore.open(file);
             RunLock held = store.acquireRunLock("strata reconcile", Duration.ZERO)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> other.acquireRunLock("strata apply", Duration.ofMillis(400)))
                    .isInstanceOfSatisfying(RunLockedException.class, e -> assertThat(e.holder()).contains(held.holder()))
                    .hasMessageContaining("(waited 400ms)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void closingTheStoreReleasesItsLock() throws Exception {
        store.acquireRunLock("strata reconcile", Duration.ZERO);
        store.close();
        store = SqliteStateStore.open(file);
        assertThat(store.runLockHolder()).isEmpty();
        store.acquireRunLock("strata apply", Duration.ZERO).close();
    }

    @Test
    void aRecordLeftWithNoLockBehindItIsClearedOnAcquire() throws Exception {
        LockHolder dead = new LockHolder(999_999, "gone.example", "strata apply", Instant.parse("2026-11-26T03:00:00Z"));
        store.claimRunLock("left-behind", dead);

        try (RunLock lock = store.acquireRunLock("strata reconcile", Duration.ZERO)) {
            assertThat(lock.clearedStale()).contains(dead);
            assertThat(store.runLockHolder()).contains(lock.holder());
        }
    }

    @Test
    void breakingRemovesALeftoverRecord() {
        LockHolder dead = new LockHolder(999_999, "gone.example", "strata apply", Instant.parse("2026-11-26T03:00:00Z"));
        store.claimRunLock("left-behind", dead);

        assertThat(store.breakRunLock()).contains(dead);
        assertThat(store.runLockHolder()).isEmpty();
        assertThat(store.breakRunLock()).isEmpty();
    }

    @Test
    void breakingALockThisProcessHoldsIsRefused() throws Exception {
        try (RunLock held = store.acquireRunLock("strata reconcile", Duration.ZERO)) {
            assertThatThrownBy(() -> store.breakRunLock()).isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("this process holds the run lock");
            assertThat(store.runLockHolder()).contains(held.holder());
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamed() throws Exception {
        try (ChildProcess child = ChildProcess.start("lock", file.toString(), "-")) {
            child.awaitLine("locked"::equals, CHILD_START);

            assertThatThrownBy(() -> store.acquireRunLock("strata apply", Duration.ZERO))
                    .isInstanceOfSatisfying(RunLockedException.class,
                            e -> assertThat(e.holder().map(LockHolder::pid)).contains(child.pid()))
                    .hasMessageStartingWith("another strata run (pid " + child.pid() + " on " + LockHolder.localHost()
                            + ", \"strata test-child\", since ");

            CompletableFuture<RunLock> waiting = acquireInBackground(store, Duration.ofSeconds(30));
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            child.send("release");
            try (RunLock got = waiting.get(30, TimeUnit.SECONDS)) {
                assertThat(got.clearedStale()).as("the child released cleanly").isEmpty();
            }
            assertThat(child.waitForExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aHolderKilledWithSigkillLeavesALockTheNextRunTakes() throws Exception {
        try (ChildProcess child = ChildProcess.start("lock", file.toString(), "-")) {
            child.awaitLine("locked"::equals, CHILD_START);
            child.kill();

            try (RunLock lock = store.acquireRunLock("strata apply", Duration.ZERO)) {
                assertThat(lock.clearedStale().map(LockHolder::pid)).contains(child.pid());
            }
        }
    }

    @Test
    void breakingTheLockOfALiveProcessOnThisHostIsRefused() throws Exception {
        try (ChildProcess child = ChildProcess.start("lock", file.toString(), "-")) {
            child.awaitLine("locked"::equals, CHILD_START);

            assertThatThrownBy(() -> store.breakRunLock()).isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("pid " + child.pid())
                    .hasMessageContaining("still running; stop that process rather than breaking its lock");
            assertThat(store.runLockHolder().map(LockHolder::pid)).contains(child.pid());
        }
    }

    @Test
    void breakingTheLockOfAnotherHostDeletesTheLockFile() throws Exception {
        try (ChildProcess child = ChildProcess.start("lock", file.toString(), "builder-7.example")) {
            child.awaitLine("locked"::equals, CHILD_START);

            Optional<LockHolder> broken = store.breakRunLock();

            assertThat(broken.map(LockHolder::host)).contains("builder-7.example");
            assertThat(dir.resolve("state.db.lock")).doesNotExist();
            // The documented trade-off: the old holder, if it is in fact alive, keeps its lock on the
            // deleted file, and this run proceeds anyway.
            try (RunLock lock = store.acquireRunLock("strata apply", Duration.ZERO)) {
                assertThat(lock.clearedStale()).isEmpty();
            }
        }
    }

    private static CompletableFuture<RunLock> acquireInBackground(StateStore store, Duration wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.acquireRunLock("strata apply", wait);
            } catch (RunLockedException e) {
                throw new AssertionError(e);
            }
        });
    }
}
