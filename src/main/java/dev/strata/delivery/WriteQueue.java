package dev.strata.delivery;

import dev.strata.state.StateStore;
import dev.strata.state.StateTransaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Group commit: callers queue work, one writer thread runs everything queued so far in one transaction,
 * commits it (one fsync for the lot), and only then completes each caller's future. Every answer that
 * follows a write is therefore durable, without paying one fsync per request. Work that throws fails
 * only itself: the batch is rolled back and its jobs run again one transaction each.
 *
 * <p>Work must be a function of the transaction alone (it may run twice) and must not touch the store itself.
 */
final class WriteQueue implements AutoCloseable {
    static final int MAX_BATCH = 512;

    /** Thrown into the futures of work that arrives after {@link #close()}. */
    static final class ShuttingDownException extends RuntimeException {
        ShuttingDownException() {
            super("delivery is shutting down");
        }
    }

    private static final class Job<T> {
        final Function<? super StateTransaction, T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;

        Job(Function<? super StateTransaction, T> work) {
            this.work = work;
        }

        void run(StateTransaction tx) {
            result = work.apply(tx);
        }
    }

    private final StateStore store;
    private final DeliveryEvents events;
    private final BlockingQueue<Job<?>> queue = new ArrayBlockingQueue<>(16_384);
    /** Submitters hold the read lock, close takes the write lock: nothing is queued after the writer's last drain. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    private volatile boolean closed;
    private volatile long batches;
    private volatile long jobs;

    WriteQueue(StateStore store, DeliveryEvents events) {
        this.store = store;
        this.events = events;
        this.writer = new Thread(this::loop, "strata-delivery-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code work}; waits for room when the queue is full. */
    <T> CompletableFuture<T> submit(Function<? super StateTransaction, T> work) {
        Job<T> job = new Job<>(work);
        closing.readLock().lock();
        try {
            if (closed) {
                job.done.completeExceptionally(new ShuttingDownException());
                return job.done;
            }
            queue.put(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.done.completeExceptionally(e);
        } finally {
            closing.readLock().unlock();
        }
        return job.done;
    }

    /** Transactions committed so far, and the jobs in them: the ratio is the batching achieved. */
    long batches() {
        return batches;
    }

    long jobs() {
        return jobs;
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Job<?> first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null; // nobody interrupts the writer; if someone does, it finishes the queue as usual
            }
            if (first == null) {
                if (closed && queue.isEmpty()) return;
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
        }
    }

    private void commit(List<Job<?>> batch) {
        try {
            store.update(tx -> batch.forEach(j -> j.run(tx)));
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                fail(batch.get(0), e);
                return;
            }
            // One job's failure must not fail the others: each runs again on its own.
            for (Job<?> j : batch) commit(List.of(j));
            return;
        }
        batches++;
        jobs += batch.size();
        for (Job<?> j : batch) complete(j);
    }

    private static <T> void complete(Job<T> j) {
        j.done.complete(j.result);
    }

    private void fail(Job<?> j, Throwable e) {
        events.storeFailed(e);
        j.done.completeExceptionally(e);
    }

    /** Stops taking work, commits what is queued, and stops the writer. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
