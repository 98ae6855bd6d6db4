package dev.strata.diag;

/** How bad a diagnostic is. Errors make a fleet invalid; warnings never change the exit code. */
public enum Severity {
    ERROR, WARNING;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
