package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A machine id that called a machine endpoint or FleetLock but that no group lists: when it was first
 * and last seen, the endpoint of its last call, and how many calls. Listed for enrolment
 * ({@code strata machines --unknown}).
 */
public record UnknownMachine(String id, Instant firstSeen, Instant lastSeen, String endpoint, long count) {
    public UnknownMachine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        firstSeen = firstSeen.truncatedTo(ChronoUnit.MILLIS);
        lastSeen = lastSeen.truncatedTo(ChronoUnit.MILLIS);
        if (count < 1) throw new IllegalArgumentException("an unknown machine was seen at least once");
    }
}
