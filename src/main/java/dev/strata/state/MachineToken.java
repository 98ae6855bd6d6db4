package dev.strata.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The hash of a machine's bearer token for the agent endpoints. The token itself is never stored:
 * only its SHA-256, as 64 lowercase hex digits, and when it was issued. One token per machine.
 */
public record MachineToken(String machineId, String sha256, Instant issuedAt) {
    public MachineToken {
        Objects.requireNonNull(machineId, "machineId");
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a token hash is 64 lowercase hex digits");
        }
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
    }
}
