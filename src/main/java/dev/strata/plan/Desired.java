package dev.strata.plan;

import dev.strata.spec.FleetSpec;

import java.util.Map;

/**
 * The desired state at one revision: the fleet's specs, the commit they were read at, and each
 * image's inputs digest (computed from the specs, the files they carry and the resolved bases).
 */
public record Desired(FleetSpec fleet, String revision, Map<String, InputsDigest> inputs) {
    public Desired {
        inputs = Map.copyOf(inputs);
    }
}
