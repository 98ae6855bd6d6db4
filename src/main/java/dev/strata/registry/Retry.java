package dev.strata.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a transient registry error (a connection that fails, a 5xx, a 429) is tried again, and how
 * long to wait in between: {@code firstDelay}, then multiplied by {@code factor} each time, never more
 * than {@code maxDelay}. Errors that are not transient (refused credentials, a missing tag) are never
 * retried. The sleeper is injectable so that tests do not wait.
 */
public record Retry(int attempts, Duration firstDelay, double factor, Duration maxDelay, Sleeper sleeper) {
    /** Waits; the default is {@link Thread#sleep}. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public Retry {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
        if (factor < 1) throw new IllegalArgumentException("factor must be at least 1");
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Three attempts, waiting 1 s and then 2 s. */
    public static Retry standard() {
        return new Retry(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), d -> Thread.sleep(d.toMillis()));
    }

    /** {@code attempts} attempts with no waiting in between: for tests. */
    public static Retry immediate(int attempts) {
        return new Retry(attempts, Duration.ZERO, 1, Duration.ZERO, d -> { });
    }

    /** The wait before attempt {@code attempt} (2 for the first retry). */
    public Duration delayBefore(int attempt) {
        double millis = firstDelay.toMillis() * Math.pow(factor, Math.max(0, attempt - 2));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }

    /** One try of an operation that may fail with a {@link RegistryFailure}. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws RegistryFailure;
    }

    /**
     * Runs {@code call} until it succeeds, fails with an error that is not transient, or has used every
     * attempt; the last failure then says how many attempts were made.
     */
    <T> T run(Call<T> call) throws RegistryFailure {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (RegistryFailure failure) {
                if (!failure.transientError()) throw failure;
                if (attempt >= attempts) throw attempts == 1 ? failure : failure.afterAttempts(attempts);
                try {
                    sleeper.sleep(delayBefore(attempt + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure.afterAttempts(attempt);
                }
            }
        }
    }
}
