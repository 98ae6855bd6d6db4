package dev.strata.serve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs reconciles on one thread, so never two at once: once at start, then every interval plus a
 * random jitter (so that several servers do not fetch in step), and whenever {@link #trigger} asks.
 * Triggers that arrive while a run is under way coalesce into one more run after it: a burst of
 * pushes costs at most two runs, and the last push is always seen.
 */
public final class ReconcileLoop implements AutoCloseable {
    /** What a trigger did. */
    public enum Triggered {
        /** No run was under way; one starts now. */
        STARTED,
        /** A run is under way; one more follows it (shared with any other trigger meanwhile). */
        QUEUED,
        /** The loop is stopping; nothing will run. */
        STOPPING
    }

    /** Hears each finished run (the CLI logs it). Called on the loop's thread. */
    @FunctionalInterface
    public interface Listener {
        void finished(ReconcileRun run);
    }

    private final ReconcileTask task;
    private final Duration interval;
    private final Duration jitter;
    private final Clock clock;
    private final Listener listener;
    private final SplittableRandom random = new SplittableRandom();
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private String pending;
    private boolean running;
    private boolean stopping;
    private ReconcileRun last;
    private final Map<ReconcileOutcome.Result, Long> counts = new EnumMap<>(ReconcileOutcome.Result.class);

    /**
     * @param interval time between periodic runs; {@link Duration#ZERO} runs only at start and on triggers
     * @param jitter   up to this much is added at random to each interval
     */
    public ReconcileLoop(ReconcileTask task, Duration interval, Duration jitter, Clock clock, Listener listener) {
        this.task = Objects.requireNonNull(task);
        if (interval.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("negative interval or jitter");
        this.interval = interval;
        this.jitter = jitter;
        this.clock = clock;
        this.listener = listener;
        this.thread = new Thread(this::loop, "strata-reconcile");
        this.pending = "startup";
    }

    public void start() {
        thread.start();
    }

    /** Asks for a run as soon as possible; {@code why} names the trigger in logs. */
    public Triggered trigger(String why) {
        lock.lock();
        try {
            if (stopping) return Triggered.STOPPING;
            if (pending == null) pending = why;
            changed.signalAll();
            return running ? Triggered.QUEUED : Triggered.STARTED;
        } finally {
            lock.unlock();
        }
    }

    public boolean running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    public Optional<ReconcileRun> last() {
        lock.lock();
        try {
            return Optional.ofNullable(last);
        } finally {
            lock.unlock();
        }
    }

    /** How many runs ended with each result, for metrics. */
    public Map<ReconcileOutcome.Result, Long> counts() {
        lock.lock();
        try {
            Map<ReconcileOutcome.Result, Long> copy = new EnumMap<>(ReconcileOutcome.Result.class);
            for (ReconcileOutcome.Result r : ReconcileOutcome.Result.values()) copy.put(r, counts.getOrDefault(r, 0L));
            return copy;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no run is under way or queued, up to {@code timeout}; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (running || pending != null) {
                if (left <= 0) return false;
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops scheduling and waits for a run under way to finish; a queued run is dropped. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            pending = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread.getState() != Thread.State.NEW) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        long nextDue = Long.MAX_VALUE;
        while (true) {
            String why;
            lock.lock();
            try {
                while (!stopping && pending == null) {
                    long wait = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : nextDue - System.nanoTime();
                    if (wait <= 0) {
                        pending = "interval";
                        break;
                    }
                    if (wait == Long.MAX_VALUE) changed.await();
                    else changed.awaitNanos(wait);
                }
                if (stopping) return;
                why = pending;
                pending = null;
                running = true;
                changed.signalAll();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            ReconcileRun run = runOnce(why);
            // Heard before the run counts as finished, so whoever awaits idleness sees its log line too.
            try {
                listener.finished(run);
            } catch (RuntimeException e) {
                // A listener that fails must not stop reconciling.
            }
            lock.lock();
            try {
                running = false;
                last = run;
                counts.merge(run.outcome().result(), 1L, Long::sum);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (!interval.isZero()) {
                long extra = jitter.isZero() ? 0 : random.nextLong(jitter.toNanos() + 1);
                nextDue = System.nanoTime() + interval.toNanos() + extra;
            }
        }
    }

    private ReconcileRun runOnce(String why) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        ReconcileOutcome outcome;
        try {
            outcome = Objects.requireNonNull(task.run(), "reconcile returned no outcome");
        } catch (Exception e) {
            outcome = ReconcileOutcome.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return new ReconcileRun(why, started, Duration.ofNanos(System.nanoTime() - t0), outcome);
    }
}
