package dev.strata.delivery;

import java.util.Objects;
import java.util.Optional;

/**
 * What a machine's status document says, whichever tool wrote it: the image digest it booted, the one
 * staged for the next boot, and its rollback deployment's. A deployment that is not a container image
 * has no digest. {@code architecture} is the booted image's OCI architecture when the tool says it
 * (bootc's {@code status.booted.image.architecture}).
 */
record StatusReport(Shape shape, String booted, Optional<String> staged, Optional<String> rollback,
                    Optional<String> architecture) {
    enum Shape { BOOTC, RPM_OSTREE }

    StatusReport {
        Objects.requireNonNull(booted, "booted");
    }

    StatusReport(Shape shape, String booted, Optional<String> staged, Optional<String> rollback) {
        this(shape, booted, staged, rollback, Optional.empty());
    }
}
