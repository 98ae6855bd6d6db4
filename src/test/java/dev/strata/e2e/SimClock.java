package dev.strata.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's clock: serve, delivery and the reconciler read it; only the simulation moves it, never back.
 * {@link #mirrorTo} also writes it to a file, for a {@code strata serve} in a child JVM ({@code -Dstrata.test.clockFile}).
 */
final class SimClock extends Clock {
    private volatile Instant now;
    private volatile Path file;

    SimClock(Instant start) {
        now = start;
    }

    void set(Instant t) {
        if (t.isBefore(now)) throw new IllegalArgumentException("the simulated clock never goes back: " + t + " < " + now);
        boolean moved = !t.equals(now);
        now = t;
        if (file != null && moved) write();
    }

    /** From now on, every move is written to {@code f} (whole, by rename), where a child's clock reads it. */
    void mirrorTo(Path f) {
        file = f;
        write();
    }

    private void write() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, now.toString());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulation runs in UTC");
    }
}
