package dev.strata.cli;

/** The exit codes are a written contract (docs/cli.md); scripts and CI depend on them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int CHANGES = 2;
    public static final int USAGE = 64;
    public static final int INVALID_SPECS = 65;

    private ExitCodes() {
    }
}
