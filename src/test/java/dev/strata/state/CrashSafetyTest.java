package dev.strata.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Processes killed with SIGKILL at random points, and processes writing at once, against one state file. */
class CrashSafetyTest {
    @TempDir
    Path dir;

    @Test
    void everyReportedCommitSurvivesSigkillAtRandomPoints() throws Exception {
        Path file = dir.resolve("state.db");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Set<Integer> reported = new TreeSet<>();
        int rounds = 8;
        for (int round = 0; round < rounds; round++) {
            try (ChildProcess child = ChildProcess.start("write", file.toString(), "crash", "-1")) {
                if (round == rounds - 1) {
                    // Make sure some commits happen however fast or slow the machine is.
                    child.awaitLine(line -> committed(line) >= reported.size() + 20, Duration.ofSeconds(60));
                }
                // From just after start (inside JVM start-up or the first open and migration) to mid-write.
                Thread.sleep(random.nextInt(1500));
                child.kill();
                child.lines().stream().filter(l -> l.startsWith("committed ")).forEach(l -> reported.add(committed(l)));
            }
        }
        String context = "seed " + seed + ", reported " + reported.size() + " commits";

        assertThat(SqliteSchemaTest.pragma(file, "integrity_check")).as(context).isEqualTo("ok");
        assertThat(SqliteSchemaTest.query(file, "SELECT count(*) FROM pragma_foreign_key_check")).isEqualTo("0");
        try (StateStore store = SqliteStateStore.open(file)) {
            List<Integer> history = store.history(Optional.of("crash"), Integer.MAX_VALUE).stream()
                    .map(e -> Integer.parseInt(e.detail())).sorted().toList();
            int n = history.size();
            assertThat(history).as("history is a gap-free prefix; " + context)
                    .isEqualTo(IntStream.range(0, n).boxed().toList());
            assertThat(reported).as("every reported commit is there; " + context).allMatch(i -> i < n);
            assertThat(n).as(context).isGreaterThanOrEqualTo(reported.size()).isLessThanOrEqualTo(reported.size() + rounds);
            // Each commit wrote a build and moved the group with its history entry, all or nothing.
            assertThat(store.builds().values()).as(context).hasSize(n);
            assertThat(store.group("crash").flatMap(g -> g.target()))
                    .contains(Fixtures.build("crash", n - 1).imageDigest());
        }
    }

    @Test
    void processesAndThreadsWritingAtOnceLoseNothing() throws Exception {
        Path file = dir.resolve("state.db");
        SqliteStateStore.open(file).close();
        int each = 60;
        try (ChildProcess a = ChildProcess.start("write", file.toString(), "proc-a", String.valueOf(each));
             ChildProcess b = ChildProcess.start("write", file.toString(), "proc-b", String.valueOf(each));
             SqliteStateStore shared = SqliteStateStore.open(file);
             SqliteStateStore second = SqliteStateStore.open(file)) {
            List<CompletableFuture<Void>> threads = List.of(
                    CompletableFuture.runAsync(() -> writeNumbered(shared, "thread-1", each)),
                    CompletableFuture.runAsync(() -> writeNumbered(shared, "thread-2", each)),
                    CompletableFuture.runAsync(() -> writeNumbered(second, "thread-3", each)));
            CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get();
            assertThat(a.waitForExit(Duration.ofSeconds(120))).isZero();
            assertThat(b.waitForExit(Duration.ofSeconds(120))).isZero();
        }

        assertThat(SqliteSchemaTest.pragma(file, "integrity_check")).isEqualTo("ok");
        try (StateStore store = SqliteStateStore.open(file)) {
            for (String subject : List.of("proc-a", "proc-b", "thread-1", "thread-2", "thread-3")) {
                List<String> details = store.history(Optional.of(subject), Integer.MAX_VALUE).stream()
                        .map(HistoryEntry::detail).collect(Collectors.toList());
                assertThat(details).as(subject).hasSize(each)
                        .isEqualTo(IntStream.range(0, each).map(i -> each - 1 - i).mapToObj(String::valueOf).toList());
            }
            assertThat(store.builds()).hasSize(2 * each);
        }
    }

    @Test
    void aWriterWaitsForAnotherUpToTheBusyTimeoutWhileReadersCarryOn() throws Exception {
        Path file = dir.resolve("state.db");
        try (SqliteStateStore slow = SqliteStateStore.open(file);
             SqliteStateStore impatient = SqliteStateStore.open(file, Duration.ofMillis(300))) {
            impatient.appendHistory(Fixtures.entry("dc-bonded", "before"));
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            CompletableFuture<Void> longWrite = CompletableFuture.runAsync(() -> slow.update(tx -> {
                tx.appendHistory(Fixtures.entry("dc-bonded", "long write"));
                writing.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
            writing.await();

            assertThatThrownBy(() -> impatient.appendHistory(Fixtures.entry("dc-bonded", "blocked")))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("is busy: another process has been writing to it for longer than the busy"
                            + " timeout");
            assertThat(impatient.history(Optional.empty(), 10)).as("readers see the last commit")
                    .extracting(HistoryEntry::detail).containsExactly("before");
            try (StateStore reader = SqliteStateStore.open(file, Duration.ofMillis(300))) {
                assertThat(reader.history(Optional.empty(), 10)).as("opening an up-to-date file needs no write lock")
                        .hasSize(1);
            }

            finish.countDown();
            longWrite.get();
            impatient.appendHistory(Fixtures.entry("dc-bonded", "after"));
            assertThat(impatient.history(Optional.empty(), 10)).extracting(HistoryEntry::detail)
                    .containsExactly("after", "long write", "before");
        }
    }

    private static void writeNumbered(StateStore store, String subject, int count) {
        for (int i = 0; i < count; i++) {
            store.appendHistory(new HistoryEntry(Fixtures.T0, "rev", "promote", subject, String.valueOf(i), "test"));
        }
    }

    private static int committed(String line) {
        return line.startsWith("committed ") ? Integer.parseInt(line.substring("committed ".length())) : -1;
    }

}
