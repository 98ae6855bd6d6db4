package dev.strata.cli;

/** The exit codes are a written contract (docs/cli.md); scripts and CI depend on them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int CHANGES = 2;
    /** A group is halted by its failure policy: a person must look. */
    public static final int HALTED = 3;
    /** Another run holds the run lock (EX_TEMPFAIL: try again later). */
    public static final int LOCKED = 75;
    /** A saved plan no longer matches the specs or the state it was made against. */
    public static final int STALE_PLAN = 76;
    public static final int USAGE = 64;
    public static final int INVALID_SPECS = 65;

    private ExitCodes() {
    }
}
