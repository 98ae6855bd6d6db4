package dev.strata.delivery;

import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.state.UnknownMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group commit: many callers' writes share a transaction, one failing write fails only itself. */
class WriteQueueTest {
    private static final Instant T = Instant.parse("2026-11-27T00:30:00Z");

    @TempDir
    Path dir;

    @Test
    void writesQueuedWhileTheWriterIsBusyShareOneTransaction() throws Exception {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            WriteQueue queue = new WriteQueue(store, DeliveryEvents.NONE);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> first = queue.submit(tx -> {
                started.countDown();
                await(release);
                return tx.recordUnknownMachine(id(0), "status", T, 100);
            });
            await(started);
            List<CompletableFuture<Boolean>> rest = submitNumbered(queue, 1, 20, -1);
            release.countDown();
            assertThat(first.get()).isTrue();
            for (CompletableFuture<Boolean> f : rest) assertThat(f.get()).isTrue();
            assertThat(queue.jobs()).isEqualTo(21);
            assertThat(queue.batches()).as("the blocker alone, then the 20 queued behind it together").isEqualTo(2);
            assertThat(store.unknownMachineCount()).isEqualTo(21);
            queue.close();
        }
    }

    @Test
    void aWriteThatThrowsFailsAloneAndTheRestOfItsBatchIsCommitted() throws Exception {
        RecordingEvents events = new RecordingEvents();
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            WriteQueue queue = new WriteQueue(store, events);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> first = queue.submit(tx -> {
                await(release);
                return true;
            });
            List<CompletableFuture<Boolean>> rest = submitNumbered(queue, 1, 20, 7);
            release.countDown();
            assertThat(first.get()).isTrue();
            for (int i = 0; i < rest.size(); i++) {
                if (i + 1 == 7) {
                    assertThatThrownBy(rest.get(i)::get).isInstanceOf(ExecutionException.class).hasMessageContaining("job 7 is bad");
                } else {
                    assertThat(rest.get(i).get()).isTrue();
                }
            }
            assertThat(store.unknownMachines()).extracting(UnknownMachine::id).hasSize(19).doesNotContain(id(7));
            assertThat(events.lines).containsExactly("store failed: job 7 is bad");

            // Closing commits what is queued, then refuses more.
            CompletableFuture<Boolean> last = queue.submit(tx -> tx.recordUnknownMachine(id(30), "status", T, 100));
            queue.close();
            assertThat(last.get()).isTrue();
            assertThatThrownBy(() -> queue.submit(tx -> true).get()).hasCauseInstanceOf(WriteQueue.ShuttingDownException.class);
        }
    }

    private static List<CompletableFuture<Boolean>> submitNumbered(WriteQueue queue, int from, int to, int bad) {
        List<CompletableFuture<Boolean>> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            int n = i;
            out.add(queue.submit(tx -> {
                boolean recorded = tx.recordUnknownMachine(id(n), "status", T, 100);
                if (n == bad) throw new IllegalArgumentException("job " + n + " is bad");
                return recorded;
            }));
        }
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(int n) {
        return String.format("%032x", n + 1);
    }
}
