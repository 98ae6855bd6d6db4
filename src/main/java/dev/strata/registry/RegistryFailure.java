package dev.strata.registry;

/**
 * A registry operation failed in a way Strata expects and explains. The message is written for the
 * user, names the registry and repository, and carries no credential.
 */
public final class RegistryFailure extends Exception {
    private final Resolution.Reason reason;
    private final boolean transientError;

    RegistryFailure(Resolution.Reason reason, boolean transientError, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.transientError = transientError;
    }

    public Resolution.Reason reason() {
        return reason;
    }

    /** Worth trying again: the same request may well succeed in a moment. */
    public boolean transientError() {
        return transientError;
    }

    RegistryFailure afterAttempts(int attempts) {
        return new RegistryFailure(reason, transientError, getMessage() + " (gave up after " + attempts + " attempts)");
    }
}
