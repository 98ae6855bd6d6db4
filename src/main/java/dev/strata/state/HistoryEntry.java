package dev.strata.state;

import dev.strata.plan.Action;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One line of the append-only history: what was done ({@code kind}, e.g. {@code build}, {@code promote},
 * {@code rollback}, {@code approve}), to which image or group ({@code subject}), at which revision,
 * with a short detail and the reason a person reads. Times are kept to the millisecond.
 */
public record HistoryEntry(Instant time, String revision, String kind, String subject, String detail,
                           String reason) {
    public HistoryEntry {
        time = time.truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(reason, "reason");
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("history entry kind must not be blank");
        }
    }

    /** The entry for an applied plan action, with its subject and reason. */
    public static HistoryEntry forAction(Instant time, String revision, Action action, String detail) {
        return new HistoryEntry(time, revision, kindOf(action), action.subject(), detail, action.reason());
    }

    static String kindOf(Action action) {
        if (action instanceof Action.BuildImage) {
            return "build";
        } else if (action instanceof Action.Promote) {
            return "promote";
        } else if (action instanceof Action.Wait) {
            return "wait";
        } else if (action instanceof Action.Hold) {
            return "hold";
        } else if (action instanceof Action.Rollback) {
            return "rollback";
        }
        return "no-op";
    }
}
