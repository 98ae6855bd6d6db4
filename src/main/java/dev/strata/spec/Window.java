package dev.strata.spec;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Set;

/** A maintenance window: on each of {@code days}, from {@code start} for {@code length}, in the rollout's time zone. */
public record Window(Set<DayOfWeek> days, LocalTime start, Duration length) {
    public Window {
        days = Set.copyOf(days);
    }
}
