package dev.strata.plan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a plan decides, one closed set. Each action carries the reason a person reads in a preview;
 * apply executes BUILD, PROMOTE and ROLLBACK, and records the rest. {@code symbol()} is how text
 * output marks it, in the manner of Terraform.
 */
public sealed interface Action {
    String reason();

    String symbol();

    /** The image or group the action is about. */
    String subject();

    /**
     * Build and push an image whose inputs digest has no build; or, with {@code republish}, publish an
     * earlier build again as a new release of a zincati group (docs/zincati.md).
     */
    record BuildImage(String image, String inputsDigest, BuildCause cause, List<String> changed, String reason,
                      Optional<Republish> republish) implements Action {
        public BuildImage {
            changed = List.copyOf(changed);
            if (republish.isPresent() != (cause == BuildCause.REPUBLISH)) {
                throw new IllegalArgumentException("a REPUBLISH build, and only one, names what it republishes");
            }
        }

        public BuildImage(String image, String inputsDigest, BuildCause cause, List<String> changed, String reason) {
            this(image, inputsDigest, cause, changed, reason, Optional.empty());
        }

        public String symbol() {
            return "+";
        }

        public String subject() {
            return image;
        }
    }

    enum BuildCause { NEW_IMAGE, SPEC_CHANGED, BASE_MOVED, REPUBLISH }

    /**
     * The same image content again, with a created time of at least {@code notBefore} and a new version
     * ({@code version}), so Zincati sees an upgrade: a revert or rollback of a zincati group, whose
     * earlier release Zincati would refuse as a downgrade.
     *
     * @param fromDigest the build being republished
     * @param fromReference where it is, {@code <registry>/<repo>@sha256:...}
     */
    record Republish(String group, String fromDigest, String fromReference, Instant notBefore, String version) {
    }

    /** Release machines of a wave to move to {@code toDigest}. */
    record Promote(String group, String wave, Optional<String> fromDigest, String toDigest, List<String> machines,
                   String reason) implements Action {
        public Promote {
            machines = List.copyOf(machines);
        }

        public String symbol() {
            return "~";
        }

        public String subject() {
            return group;
        }
    }

    /** Nothing may happen yet; {@code until} is when it could, when that is known. */
    record Wait(String group, Optional<String> wave, WaitCause cause, Optional<Instant> until, String reason)
            implements Action {
        public String symbol() {
            return "…";
        }

        public String subject() {
            return group;
        }
    }

    enum WaitCause { BUILD, WINDOW, BAKE_TIME, MAX_UNAVAILABLE, DISRUPTION_BUDGET, MACHINES }

    /** Stopped until a person acts: a commit, an approval, a resume. */
    record Hold(String group, HoldCause cause, String reason) implements Action {
        public String symbol() {
            return "!";
        }

        public String subject() {
            return group;
        }
    }

    enum HoldCause { PAUSED, APPROVAL, BARRIER, FAILURE_POLICY, REJECTED_DIGEST }

    /** Move machines back from a failed digest to the previous one, and never offer it again. */
    record Rollback(String group, String fromDigest, String toDigest, List<String> machines, String reason)
            implements Action {
        public Rollback {
            machines = List.copyOf(machines);
        }

        public String symbol() {
            return "-/+";
        }

        public String subject() {
            return group;
        }
    }

    /** Everything matches for this image or group. */
    record NoOp(String subject, String reason) implements Action {
        public String symbol() {
            return "=";
        }
    }
}
