package dev.strata.e2e;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The simulation's clock: serve, delivery and the reconciler read it; only the simulation moves it, never back. */
final class SimClock extends Clock {
    private volatile Instant now;

    SimClock(Instant start) {
        now = start;
    }

    void set(Instant t) {
        if (t.isBefore(now)) throw new IllegalArgumentException("the simulated clock never goes back: " + t + " < " + now);
        now = t;
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
