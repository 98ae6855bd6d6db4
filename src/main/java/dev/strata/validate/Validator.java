package dev.strata.validate;

import dev.strata.diag.Diagnostics;
import dev.strata.load.FleetLoader;
import dev.strata.load.LoadLimits;
import dev.strata.load.LoadResult;
import dev.strata.source.SpecTree;
import dev.strata.spec.FleetSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Load, then every semantic check, in one pass: all problems are reported together. The fleet is
 * returned only when there is no error. Thread-safe once built; the schemas are compiled once.
 */
public final class Validator {
    private static final List<SemanticCheck> CHECKS = List.of(
            new NameChecks(), new ReferenceChecks(), new ReferenceSyntaxChecks(), new StreamChecks(),
            new MachineChecks(), new WaveChecks(), new FileChecks(), new ZincatiChecks(), new AgentChecks());

    private final FleetLoader loader;

    public Validator() {
        this(LoadLimits.DEFAULT);
    }

    public Validator(LoadLimits limits) {
        this(new FleetLoader(limits, SchemaValidator.compiledInBackground()));
    }

    private Validator(FleetLoader loader) {
        this.loader = loader;
    }

    /**
     * A validator that does not parse a spec file again while its bytes stay the same (for a reconciler
     * that validates each new commit, or a preview that reads two revisions); the checks across files
     * still run every time. It holds the last load's files in memory.
     */
    public static Validator reusingUnchangedFiles() {
        return new Validator(new FleetLoader(LoadLimits.DEFAULT, SchemaValidator.compiledInBackground(),
                Optional.of(new FleetLoader.FileCache())));
    }

    /** Validates the fleet in {@code folder} (relative to the tree's root, "" for the root). */
    public Validation validate(SpecTree tree, String folder) throws IOException {
        LoadResult loaded = loader.load(tree, folder);
        Diagnostics diags = new Diagnostics();
        diags.addAll(loaded.diagnostics());
        for (Diagnostics found : runChecks(loaded, tree)) diags.addAll(found.sorted());
        Optional<FleetSpec> fleet = diags.hasErrors() || loaded.fleets().size() != 1 ? Optional.empty()
                : Optional.of(new FleetSpec(loaded.fleets().get(0), loaded.streams(), loaded.images(), loaded.groups()));
        return new Validation(fleet, diags.sorted(), loaded.stats());
    }

    /**
     * The checks only read the loaded fleet, so they run side by side (on a large fleet they take a
     * quarter of a second one after another), each into its own diagnostics, returned in the checks'
     * order: the sorted result is the same as running them in turn.
     */
    private static List<Diagnostics> runChecks(LoadResult loaded, SpecTree tree) throws IOException {
        try {
            return CHECKS.parallelStream().map(check -> {
                CheckContext ctx = new CheckContext(loaded, tree, new Diagnostics());
                try {
                    check.run(ctx);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return ctx.diagnostics();
            }).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
