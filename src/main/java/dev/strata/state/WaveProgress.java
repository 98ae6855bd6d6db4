package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * How one wave of a group's rollout to {@code target} went: when it was released, how many machines
 * it released, how many have reported success or failure so far, and when it was judged complete
 * (the completion report that starts its bake time). Times are kept to the millisecond.
 */
public record WaveProgress(String group, String target, String wave, Instant startedAt, int released,
                           int succeeded, int failed, Optional<Instant> completedAt) {
    public WaveProgress {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(wave, "wave");
        startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
        completedAt = completedAt.map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        if (released < 0 || succeeded < 0 || failed < 0) {
            throw new IllegalArgumentException("wave counts must not be negative: released=" + released
                    + " succeeded=" + succeeded + " failed=" + failed);
        }
    }

    /** A wave just released, with no reports yet. */
    public static WaveProgress started(String group, String target, String wave, Instant at, int released) {
        return new WaveProgress(group, target, wave, at, released, 0, 0, Optional.empty());
    }

    public boolean completed() {
        return completedAt.isPresent();
    }

    public WaveProgress withReports(int succeeded, int failed) {
        return new WaveProgress(group, target, wave, startedAt, released, succeeded, failed, completedAt);
    }

    public WaveProgress completedAt(Instant at) {
        return new WaveProgress(group, target, wave, startedAt, released, succeeded, failed, Optional.of(at));
    }
}
