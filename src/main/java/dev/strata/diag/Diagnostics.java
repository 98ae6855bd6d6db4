package dev.strata.diag;

import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics in one pass; nothing is thrown for a user's mistake. Not thread-safe. */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public void add(Diagnostic d) {
        items.add(d);
    }

    public void add(Check check, Location at, String path, String message) {
        add(new Diagnostic(check.id(), check.severity(), at, path, message, check.hint()));
    }

    public void add(Check check, Location at, String path, String message, String hint) {
        add(new Diagnostic(check.id(), check.severity(), at, path, message, hint));
    }

    public void addAll(Iterable<Diagnostic> ds) {
        ds.forEach(items::add);
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    /** Sorted by location, so output is stable whatever order the checks ran in. */
    public List<Diagnostic> sorted() {
        return items.stream().sorted().distinct().toList();
    }
}
