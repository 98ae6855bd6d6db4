package dev.strata.validate;

import dev.strata.diag.Diagnostics;
import dev.strata.load.FleetLoader;
import dev.strata.load.LoadLimits;
import dev.strata.load.LoadResult;
import dev.strata.source.SpecTree;
import dev.strata.spec.FleetSpec;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load, then every semantic check, in one pass: all problems are reported together. The fleet is
 * returned only when there is no error. Thread-safe once built; the schemas are compiled once.
 */
public final class Validator {
    private static final List<SemanticCheck> CHECKS = List.of(
            new NameChecks(), new ReferenceChecks(), new ReferenceSyntaxChecks(), new StreamChecks(),
            MachineChecks.ids(), MachineChecks.names(), new WaveChecks(), new FileChecks(), new ContainerfileChecks(), new ZincatiChecks(),
            new AgentChecks(), new PlatformChecks());

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
     * The checks only read the loaded fleet, so two threads (this one and a helper) run them side by
     * side, each taking the next check, the costliest on a large fleet first; each reports into its own
     * diagnostics, returned in the checks' order, so the result is the same as running them in turn.
     */
    private static List<Diagnostics> runChecks(LoadResult loaded, SpecTree tree) throws IOException {
        Diagnostics[] found = new Diagnostics[CHECKS.size()];
        AtomicInteger next = new AtomicInteger();
        FutureTask<Void> helper = new FutureTask<>(() -> {
            takeChecks(loaded, tree, next, found);
            return null;
        });
        Thread thread = new Thread(helper, "strata-checks");
        thread.setDaemon(true);
        thread.start();
        takeChecks(loaded, tree, next, found);
        try {
            helper.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while validating", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
        return List.of(found);
    }

    /** Runs checks in {@link #BY_COST} order until none is left. */
    private static void takeChecks(LoadResult loaded, SpecTree tree, AtomicInteger next, Diagnostics[] found)
            throws IOException {
        for (int i; (i = next.getAndIncrement()) < BY_COST.length; ) {
            int check = BY_COST[i];
            CheckContext ctx = new CheckContext(loaded, tree, new Diagnostics());
            CHECKS.get(check).run(ctx);
            found[check] = ctx.diagnostics();
        }
    }

    /** Indexes into {@link #CHECKS}, the ones a 100,000-machine fleet spends most time in first (measured). */
    private static final int[] BY_COST = byCost(MachineChecks.class, WaveChecks.class, FileChecks.class, ZincatiChecks.class);

    private static int[] byCost(Class<?>... costliest) {
        List<Integer> order = new java.util.ArrayList<>();
        for (Class<?> c : costliest) {
            for (int i = 0; i < CHECKS.size(); i++) if (CHECKS.get(i).getClass() == c) order.add(i);
        }
        for (int i = 0; i < CHECKS.size(); i++) if (!order.contains(i)) order.add(i);
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
