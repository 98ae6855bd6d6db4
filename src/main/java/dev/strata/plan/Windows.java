package dev.strata.plan;

import dev.strata.spec.Rollout;
import dev.strata.spec.Window;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /**
     * Whether a machine released at {@code releasedAt} has run out of its update timeout at {@code now}. Only
     * time inside the windows counts (all of it when there are none): a machine released just before a window
     * closes may not reboot until the next one opens, and waiting for it is no failure.
     */
    public static boolean timedOut(Rollout r, Instant releasedAt, Instant now) {
        if (!releasedAt.plus(r.updateTimeout()).isBefore(now)) return false; // open time never exceeds wall time
        return openBetween(r, releasedAt, now).compareTo(r.updateTimeout()) > 0;
    }

    /** How long the windows were open between {@code from} and {@code to}; overlapping windows count once. */
    public static Duration openBetween(Rollout r, Instant from, Instant to) {
        if (!to.isAfter(from)) return Duration.ZERO;
        if (r.alwaysOpen()) return Duration.between(from, to);
        List<Instant[]> spans = new ArrayList<>();
        LocalDate last = to.atZone(r.timeZone()).toLocalDate();
        for (Window w : r.windows()) {
            // A window of up to 7 days opened on one of the 7 days before from may still be open.
            for (LocalDate day = from.atZone(r.timeZone()).toLocalDate().minusDays(7); !day.isAfter(last); day = day.plusDays(1)) {
                if (!w.days().contains(day.getDayOfWeek())) continue;
                Instant start = ZonedDateTime.of(day, w.start(), r.timeZone()).toInstant();
                Instant end = start.plus(w.length());
                Instant a = start.isAfter(from) ? start : from;
                Instant b = end.isBefore(to) ? end : to;
                if (a.isBefore(b)) spans.add(new Instant[] {a, b});
            }
        }
        spans.sort(Comparator.comparing((Instant[] span) -> span[0]));
        Duration open = Duration.ZERO;
        Instant covered = from;
        for (Instant[] span : spans) {
            Instant a = span[0].isAfter(covered) ? span[0] : covered;
            if (span[1].isAfter(a)) {
                open = open.plus(Duration.between(a, span[1]));
                covered = span[1];
            }
        }
        return open;
    }
}
