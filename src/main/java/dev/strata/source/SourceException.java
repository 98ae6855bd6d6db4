package dev.strata.source;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * The repository cannot be opened or read as asked: not a repository, a fetch that failed, an unknown
 * ref. The message is written for the user, names the repository without credentials, and is safe to print.
 */
public class SourceException extends IOException {
    public SourceException(String message) {
        this(message, null, List.of());
    }

    public SourceException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    /** Messages of the cause chain may quote URLs or tokens: the chain kept here is a redacted copy. */
    SourceException(String message, Throwable cause, Collection<String> secrets) {
        super(Redact.text(message, secrets), cause == null ? null : new RedactedCause(cause, secrets, 0));
    }

    /** Stands in for a third-party exception: its type, redacted message and stack trace. */
    static final class RedactedCause extends Exception {
        RedactedCause(Throwable original, Collection<String> secrets, int depth) {
            super(original.getClass().getName() + (original.getMessage() == null ? ""
                            : ": " + Redact.text(original.getMessage(), secrets)),
                    original.getCause() == null || depth > 8 ? null
                            : new RedactedCause(original.getCause(), secrets, depth + 1));
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
