package dev.strata.state;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A machine's last poll of the update graph: what Zincati said it booted ({@code os_version},
 * {@code os_checksum}) and what that payload is to Strata: one of the group's releases, the stock base
 * it was installed from, or a payload Strata never published (reported, see docs/zincati.md).
 */
public record GraphPoll(String machineId, String group, Instant at, String basearch, String osVersion, String payload,
                        Kind kind, OptionalLong releaseAge) {
    public enum Kind { RELEASE, STOCK_BASE, UNKNOWN_PAYLOAD }

    public GraphPoll {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(payload, "payload");
        if (releaseAge.isPresent() != (kind == Kind.RELEASE)) {
            throw new IllegalArgumentException("a poll names a release age exactly when its payload is a release");
        }
    }
}
