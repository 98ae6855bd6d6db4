package dev.strata.plan;

import dev.strata.spec.Rollout;
import dev.strata.spec.Window;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Maintenance windows in a time zone. A window starts at a wall-clock time on its days and lasts an
 * exact duration, so it may cross midnight and the week; across a daylight-saving change a start in
 * the skipped hour moves forward, and the length stays the real elapsed time.
 */
public final class Windows {
    private Windows() {
    }

    public static boolean isOpen(Rollout r, Instant now) {
        if (r.alwaysOpen()) return true;
        LocalDate today = now.atZone(r.timeZone()).toLocalDate();
        for (Window w : r.windows()) {
            // A window of up to 7 days may have started on any of the last 7 days.
            for (int back = 0; back <= 7; back++) {
                LocalDate day = today.minusDays(back);
                if (!w.days().contains(day.getDayOfWeek())) continue;
                Instant start = ZonedDateTime.of(day, w.start(), r.timeZone()).toInstant();
                if (!start.isAfter(now) && now.isBefore(start.plus(w.length()))) return true;
            }
        }
        return false;
    }

    /** The next time a window opens after {@code now}; empty when there are no windows (always open). */
    public static Optional<Instant> nextOpening(Rollout r, Instant now) {
        if (r.alwaysOpen()) return Optional.empty();
        LocalDate today = now.atZone(r.timeZone()).toLocalDate();
        Instant best = null;
        for (Window w : r.windows()) {
            for (int ahead = 0; ahead <= 8; ahead++) {
                LocalDate day = today.plusDays(ahead);
                if (!w.days().contains(day.getDayOfWeek())) continue;
                Instant start = ZonedDateTime.of(day, w.start(), r.timeZone()).toInstant();
                if (start.isAfter(now) && (best == null || start.isBefore(best))) best = start;
            }
        }
        return Optional.ofNullable(best);
    }

    /** When an update may next start: now if a window is open, else the next opening. */
    public static Instant nextAllowed(Rollout r, Instant now) {
        return isOpen(r, now) ? now : nextOpening(r, now).orElse(now);
    }
}
