package dev.strata.delivery;

import dev.strata.spec.Machine;

import java.util.Optional;

/**
 * A machine's platform in the fleet against the architecture it reports (Zincati's basearch, bootc's
 * image architecture). A contradiction is answered with a 409 that says both, rather than giving the
 * machine the manifest of a platform it does not have.
 */
final class Platforms {
    private Platforms() {
    }

    /**
     * A 409 {@code platform_mismatch} when {@code reportedArch} (an OCI architecture) is not the architecture of
     * {@code machine}'s platform; empty when they agree or nothing was reported.
     */
    static Optional<Reply> mismatch(Machine machine, Optional<String> reportedArch, String what) {
        if (reportedArch.isEmpty()) return Optional.empty();
        String arch = machine.platform().split("/")[1];
        if (arch.equals(reportedArch.get())) return Optional.empty();
        return Optional.of(Reply.error(409, Kinds.PLATFORM_MISMATCH, "machine " + machine.name() + " (" + machine.id()
                + ") is " + machine.platform() + " in the fleet, but " + what + "; set its 'platform' in its group"
                + " to the platform it has (and list that platform in the image's 'platforms'), so it is given its own image"));
    }
}
