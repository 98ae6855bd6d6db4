package dev.strata.state;

import java.time.Duration;
import java.util.Optional;

/** Another run holds the run lock, and it did not come free within the time allowed to wait. */
public final class RunLockedException extends Exception {
    private final String location;
    private final Optional<LockHolder> holder;

    public RunLockedException(String location, Optional<LockHolder> holder, Duration waited) {
        super(message(location, holder, waited));
        this.location = location;
        this.holder = holder;
    }

    private RunLockedException(String message) {
        super(message);
        this.location = "";
        this.holder = Optional.empty();
    }

    static RunLockedException interrupted(String location) {
        return new RunLockedException("interrupted while waiting for the run lock on " + location);
    }

    /** The state the lock guards. */
    public String location() {
        return location;
    }

    /** The holder as recorded, when it has been recorded. */
    public Optional<LockHolder> holder() {
        return holder;
    }

    private static String message(String location, Optional<LockHolder> holder, Duration waited) {
        String who = holder.map(h -> "another strata run (" + h.describe() + ")").orElse("another strata run");
        String wait = waited.isZero() ? "" : " (waited " + (waited.toMillis() < 1000 ? waited.toMillis() + "ms"
                : waited.toSeconds() + "s") + ")";
        return who + " holds the run lock on " + location + wait + ". Wait for it to finish; if it is no"
                + " longer running and the lock stays, break it (see docs/state.md).";
    }
}
