package dev.strata.spec;

/**
 * Where a spec object was written: its file (relative to the repository root, '/'-separated) and
 * the 0-based index of its document in that file. Diagnostics use it to find exact positions.
 */
public record Origin(String file, int document) {
    public Origin {
        if (file == null || file.isEmpty()) throw new IllegalArgumentException("file is required");
    }

    /** The folder holding the file, "" at the repository root: what {@code source:} paths are relative to. */
    public String folder() {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }
}
