package dev.strata.diag;

/**
 * A place in a spec file, 1-based as editors count. {@code file} is relative to the repository root
 * with '/' separators, so the same fleet reports the same locations on every machine.
 */
public record Location(String file, int line, int column) implements Comparable<Location> {

    public Location {
        if (file == null || file.isEmpty()) throw new IllegalArgumentException("file is required");
        if (line < 0 || column < 0) throw new IllegalArgumentException("negative position");
    }

    /** A whole file or folder, with no position inside it. */
    public static Location of(String file) {
        return new Location(file, 0, 0);
    }

    @Override
    public int compareTo(Location o) {
        int c = file.compareTo(o.file);
        if (c != 0) return c;
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
