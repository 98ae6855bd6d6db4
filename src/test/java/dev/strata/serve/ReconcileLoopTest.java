package dev.strata.serve;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileLoopTest {
    /** A reconcile that records overlap and can be held open until released. */
    static final class GatedTask implements ReconcileTask {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public ReconcileOutcome run() throws Exception {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                runs.incrementAndGet();
                entered.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                return ReconcileOutcome.ok("run " + runs.get());
            } finally {
                concurrent.decrementAndGet();
            }
        }
    }

    @Test
    void pushesDuringARunCoalesceIntoOneMoreRun() throws Exception {
        GatedTask task = new GatedTask();
        task.release = new CountDownLatch(1);
        List<ReconcileRun> heard = new CopyOnWriteArrayList<>();
        try (ReconcileLoop loop = new ReconcileLoop(task, Duration.ZERO, Duration.ZERO, Clock.systemUTC(), heard::add)) {
            loop.start();
            assertThat(task.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the startup run holds
            assertThat(loop.running()).isTrue();
            for (int i = 0; i < 20; i++) assertThat(loop.trigger("webhook")).isEqualTo(ReconcileLoop.Triggered.QUEUED);
            task.release.countDown();
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(2);
            assertThat(heard).extracting(ReconcileRun::trigger).containsExactly("startup", "webhook");
            assertThat(task.maxConcurrent.get()).isEqualTo(1);

            // Idle again: a trigger starts a run at once.
            assertThat(loop.trigger("webhook")).isEqualTo(ReconcileLoop.Triggered.STARTED);
            assertThat(loop.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(task.runs.get()).isEqualTo(3);
            assertThat(loop.counts().get(ReconcileOutcome.Result.OK)).isEqualTo(3);
            assertThat(loop.last().orElseThrow().outcome().summary()).isEqualTo("run 3");
        }
    }

    @Test
    void runsEveryIntervalNeverTwoAtOnceAndAFailureIsReportedNotFatal() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch five = new CountDownLatch(5);
        ReconcileTask task = () -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
                if (calls.incrementAndGet() % 2 == 0) throw new IllegalStateException("registry unreachable");
                return ReconcileOutcome.ok("fine");
            } finally {
                concurrent.decrementAndGet();
                five.countDown();
            }
        };
        List<ReconcileRun> heard = new CopyOnWriteArrayList<>();
        try (ReconcileLoop loop = new ReconcileLoop(task, Duration.ofMillis(20), Duration.ofMillis(20), Clock.systemUTC(), heard::add)) {
            loop.start();
            for (int i = 0; i < 10; i++) loop.trigger("webhook"); // triggers mixed with the timer
            assertThat(five.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(heard).extracting(ReconcileRun::trigger).contains("startup", "interval");
        assertThat(heard).filteredOn(r -> r.outcome().result() == ReconcileOutcome.Result.FAILED)
                .isNotEmpty().allSatisfy(r -> assertThat(r.outcome().summary()).isEqualTo("registry unreachable"));
    }

    @Test
    void closeWaitsForTheRunningReconcileAndDropsTheQueuedOne() throws Exception {
        GatedTask task = new GatedTask();
        task.release = new CountDownLatch(1);
        ReconcileLoop loop = new ReconcileLoop(task, Duration.ofHours(1), Duration.ZERO, Clock.systemUTC(), r -> { });
        loop.start();
        assertThat(task.entered.await(10, TimeUnit.SECONDS)).isTrue();
        loop.trigger("webhook");
        Thread closer = new Thread(loop::close);
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close waits while the reconcile runs").isTrue();
        assertThat(loop.trigger("webhook")).isEqualTo(ReconcileLoop.Triggered.STOPPING);
        task.release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(task.runs.get()).isEqualTo(1);
        assertThat(loop.last().orElseThrow().outcome().result()).isEqualTo(ReconcileOutcome.Result.OK);
    }
}
