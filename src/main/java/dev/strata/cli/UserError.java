package dev.strata.cli;

/** A problem the user can fix (a missing folder, a bad option value): printed as one line, no stack trace. */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
