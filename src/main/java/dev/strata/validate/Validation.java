package dev.strata.validate;

import dev.strata.diag.Diagnostic;
import dev.strata.load.LoadResult;
import dev.strata.spec.FleetSpec;

import java.util.List;
import java.util.Optional;

/** The outcome of validating a fleet: the desired state when it is valid, and every diagnostic. */
public record Validation(Optional<FleetSpec> fleet, List<Diagnostic> diagnostics, LoadResult.Stats stats) {
    public Validation {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean valid() {
        return diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    public long errors() {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }

    public long warnings() {
        return diagnostics.size() - errors();
    }
}
