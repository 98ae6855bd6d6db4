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
        if (!isHash(sha256)) throw new IllegalArgumentException("a token hash is 64 lowercase hex digits");
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Checked by hand rather than with a regex: this runs on every agent request. */
    private static boolean isHash(String s) {
        if (s == null || s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
