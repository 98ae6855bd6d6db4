package dev.strata.reconcile;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A value computed on a thread of its own while the caller goes on with something else; {@link #get}
 * waits for it and throws what the computation threw. For the independent steps of one run, when they
 * are large enough that a second core pays off (a preview of a 100,000-machine fleet).
 */
final class Concurrently<T> {
    @FunctionalInterface
    interface Task<T> {
        T call() throws IOException;
    }

    private final FutureTask<T> future;

    private Concurrently(FutureTask<T> future) {
        this.future = future;
    }

    static <T> Concurrently<T> start(String name, Task<T> task) {
        FutureTask<T> future = new FutureTask<>(task::call);
        Thread thread = new Thread(future, name);
        thread.setDaemon(true);
        thread.start();
        return new Concurrently<>(future);
    }

    T get() throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }
}
