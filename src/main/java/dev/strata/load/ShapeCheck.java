package dev.strata.load;

import dev.strata.diag.Diagnostic;
import dev.strata.spec.Kind;

import java.util.List;

/**
 * Checks that one document has the shape of its kind before it is bound to records. The JSON Schema
 * validator implements it; the loader only needs to know whether binding is safe.
 */
@FunctionalInterface
public interface ShapeCheck {
    List<Diagnostic> check(YamlDocument document, Kind kind);

    /**
     * Whether {@link #check} would answer now rather than wait (its schemas may still be compiling).
     * The loader then checks a file's documents later instead of blocking a thread that could read.
     */
    default boolean ready() {
        return true;
    }
}
