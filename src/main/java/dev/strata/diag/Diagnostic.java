package dev.strata.diag;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a fleet: which check found it, where ({@code file:line:col} of the offending
 * node), the property path inside its document ({@code spec.rollout.waves[1].percent}), what is wrong
 * and what to do about it.
 */
public record Diagnostic(String check, Severity severity, Location location, String path, String message, String hint)
        implements Comparable<Diagnostic> {

    private static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::location)
            .thenComparing(Diagnostic::check)
            .thenComparing(Diagnostic::path)
            .thenComparing(Diagnostic::message);

    public Diagnostic {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
        path = path == null ? "" : path;
        hint = hint == null ? "" : hint;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public int compareTo(Diagnostic o) {
        return ORDER.compare(this, o);
    }
}
