package dev.strata.delivery;

import java.util.Objects;
import java.util.Optional;

/**
 * What a machine's status document says, whichever tool wrote it: the image digest it booted, the one
 * staged for the next boot, and its rollback deployment's. A deployment that is not a container image
 * has no digest.
 */
record StatusReport(Shape shape, String booted, Optional<String> staged, Optional<String> rollback) {
    enum Shape { BOOTC, RPM_OSTREE }

    StatusReport {
        Objects.requireNonNull(booted, "booted");
    }
}
