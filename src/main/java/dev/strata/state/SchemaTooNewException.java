package dev.strata.state;

/**
 * The state was written by a newer Strata, with a schema this version does not know. Opening it
 * anyway could lose what the newer version stored, so it is refused.
 */
public final class SchemaTooNewException extends StateStoreException {
    private final int found;
    private final int supported;

    public SchemaTooNewException(String location, int found, int supported) {
        super("state database " + location + " has schema version " + found + ", newer than this strata"
                + " understands (" + supported + "); upgrade strata, or point --state at another file");
        this.found = found;
        this.supported = supported;
    }

    public int found() {
        return found;
    }

    public int supported() {
        return supported;
    }
}
