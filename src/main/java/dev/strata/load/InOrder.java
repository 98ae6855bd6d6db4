package dev.strata.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a task to each item on as many threads as there are processors and returns the results in
 * the items' order, so what the caller builds from them does not depend on scheduling.
 */
final class InOrder {
    private InOrder() {
    }

    @FunctionalInterface
    interface Task<T, R> {
        R apply(T item) throws IOException;
    }

    static <T, R> List<R> map(List<T> items, Task<T, R> task) throws IOException {
        return map(items, task, Runtime.getRuntime().availableProcessors());
    }

    static <T, R> List<R> map(List<T> items, Task<T, R> task, int maxThreads) throws IOException {
        int threads = Math.min(items.size(), maxThreads);
        List<R> out = new ArrayList<>(items.size());
        if (threads <= 1) {
            for (T item : items) out.add(task.apply(item));
            return out;
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strata-load-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    try {
                        return task.apply(item);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            for (Future<R> f : futures) out.add(result(f));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R result(Future<R> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) throw u.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }
}
