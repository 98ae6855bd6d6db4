package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A digest allowed past a group's approval gate ({@code holdAfter}): who approved it and when.
 * Times are kept to the millisecond, as the store keeps them.
 */
public record Approval(String group, String digest, String approvedBy, Instant approvedAt) {
    public Approval {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(approvedBy, "approvedBy");
        approvedAt = approvedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
