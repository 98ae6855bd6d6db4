package dev.strata.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Strata's time in a drill or a demo: it reads {@code start} when the real clock reads {@code since}, and
 * runs {@code speed} times faster from there. Windows, bake times, update timeouts and history follow it;
 * nothing else about a run changes. Processes given the same three values agree on the time, so a
 * {@code strata serve} and the {@code strata status} beside it see the same moment.
 */
final class DrillClock extends Clock {
    static final int MAX_SPEED = 3600;

    private final Instant start;
    private final int speed;
    private final Instant since;
    private final Clock real;

    DrillClock(Instant start, int speed, Instant since, Clock real) {
        if (speed < 1 || speed > MAX_SPEED) throw new IllegalArgumentException("speed " + speed + " is not from 1 to " + MAX_SPEED);
        this.start = Objects.requireNonNull(start);
        this.speed = speed;
        this.since = Objects.requireNonNull(since);
        this.real = Objects.requireNonNull(real);
    }

    /**
     * {@code start=INSTANT[,speed=N][,since=INSTANT]}: instants in ISO-8601 with an offset or Z; speed defaults to 1,
     * since to the real time now.
     */
    static DrillClock parse(String text, Clock real) {
        Instant start = null;
        Instant since = null;
        int speed = 1;
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).strip();
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            switch (key) {
                case "start" -> start = instant("start", value);
                case "since" -> since = instant("since", value);
                case "speed" -> speed = speed(value);
                default -> throw new IllegalArgumentException("'" + part + "' is not start=INSTANT, speed=N or since=INSTANT");
            }
        }
        if (start == null) throw new IllegalArgumentException("start=INSTANT is missing, e.g. start=2026-11-27T00:30:00+01:00");
        return new DrillClock(start, speed, since == null ? real.instant() : since, real);
    }

    private static Instant instant(String key, String value) {
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not an ISO-8601 time with an offset, such as 2026-11-27T00:30:00+01:00 or 2026-11-26T23:30:00Z");
        }
    }

    private static int speed(String value) {
        if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_SPEED) {
            throw new IllegalArgumentException("speed='" + value + "' is not a whole number from 1 to " + MAX_SPEED);
        }
        return Integer.parseInt(value);
    }

    @Override
    public Instant instant() {
        Duration elapsed = Duration.between(since, real.instant());
        return start.plus(elapsed.multipliedBy(speed));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) return this;
        throw new UnsupportedOperationException("a drill clock is in UTC");
    }

    /** For logs: what a reader needs to know that this time is not the real one. */
    String describe() {
        return "drill clock: Strata's time started at " + start + " (real " + since + ") and runs " + speed
                + "x real time; windows, bake times and timeouts follow it. For drills and demos, not for a real fleet.";
    }

    String spec() {
        return "start=" + start + ",speed=" + speed + ",since=" + since;
    }
}
