package dev.strata.delivery;

import dev.strata.plan.MachineState;

import java.util.Optional;

/**
 * Notices a machine that went back to an earlier deployment although Strata did not order it (its
 * connectivity check failed, or someone ran {@code bootc rollback}): the machine was released for D,
 * and now boots something else while D has become its rollback deployment since its last report, or it
 * had booted D and no longer does. A rollback Strata ordered releases the machine for the older digest,
 * which is usually its rollback deployment already: until it reboots, that is no rollback of its own.
 */
final class UnorderedRollback {
    private UnorderedRollback() {
    }

    /** The digest the machine rolled back from, when it did so on its own; {@code rollbackBefore} is its last report's rollback. */
    static Optional<String> from(MachineState before, Optional<String> rollbackBefore, StatusReport now) {
        Optional<String> released = before.releasedDigest();
        if (released.isEmpty() || now.booted().equals(released.get())) return Optional.empty();
        String d = released.get();
        boolean dBecameRollback = now.rollback().filter(d::equals).isPresent() && rollbackBefore.filter(d::equals).isEmpty();
        boolean leftD = before.booted().filter(d::equals).isPresent();
        return dBecameRollback || leftD ? Optional.of(d) : Optional.empty();
    }

    /** The failure the planner's failure policy reads. */
    static String failure(String from, String bootedNow) {
        return "rolled back on its own from " + shortDigest(from) + " to " + shortDigest(bootedNow)
                + " (its connectivity check failed, or someone rolled it back by hand)";
    }

    static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
}
