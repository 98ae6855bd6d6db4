package dev.strata.cli;

import dev.strata.reconcile.FleetSource;
import dev.strata.source.GitSource;
import dev.strata.source.SourceException;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateLocation;
import dev.strata.state.StateSnapshot;
import dev.strata.state.StateStore;
import picocli.CommandLine.Option;

import dev.strata.spec.Fleet;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Optional;

/** Where the specs and the state live: shared by plan, apply and status. */
final class RepoOptions {
    @Option(names = "--repo", defaultValue = ".", paramLabel = "PATH|URL",
            description = "The Git repository: a local path, or a file://, https:// or ssh:// URL (cloned into a cache, fetched each run). Default: the current folder.")
    String repo;

    @Option(names = "--fleet", defaultValue = "", paramLabel = "DIR",
            description = "The fleet folder inside the repository (the one holding the Fleet document). Default: the repository root.")
    String fleet;

    @Option(names = "--worktree", description = "Read the specs from the work tree instead of Git objects (editing loops).")
    boolean worktree;

    @Option(names = "--no-fetch", description = "Do not fetch a remote repository; use the cached clone.")
    boolean noFetch;

    @Option(names = "--state", paramLabel = "FILE",
            description = "The state file. Default: $XDG_STATE_HOME/strata/state.db or ~/.local/state/strata/state.db.")
    Path state;

    @Option(names = "--offline", description = "Contact no registry: followed streams use the digests recorded by earlier runs.")
    boolean offline;

    @Option(names = "--mirror", paramLabel = "FROM=TO", converter = MirrorConverter.class,
            description = "Pull bases whose reference starts with FROM through TO, for this run (repeatable).")
    List<Fleet.Mirror> mirrors = new ArrayList<>();

    @Option(names = "--insecure-registry", paramLabel = "HOST",
            description = "Allow plain HTTP to this registry host for this run (repeatable).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--registry", paramLabel = "REGISTRY[/PATH]",
            description = "Push derived images to REGISTRY/PATH/<image> for this run, instead of the Fleet's registry.")
    String registry;

    static final class MirrorConverter implements picocli.CommandLine.ITypeConverter<Fleet.Mirror> {
        @Override
        public Fleet.Mirror convert(String value) {
            try {
                return dev.strata.registry.Mirrors.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not FROM=TO: " + e.getMessage());
            }
        }
    }

    FleetSource open() throws SourceException {
        return open(true);
    }

    /** For a reconciler, which fetches a remote itself, under the run lock: a cached clone is opened as it is. */
    FleetSource openForReconcile() throws SourceException {
        return open(false);
    }

    private FleetSource open(boolean fetchNow) throws SourceException {
        boolean looksLocal = !repo.contains("://") && !repo.matches("^[^/]+@[^/:]+:.*");
        if (looksLocal && !Files.exists(Path.of(repo))) {
            throw new UserError("no such repository folder: " + repo, ExitCodes.USAGE);
        }
        GitSource.Options options = GitSource.Options.defaults().withFetch(!noFetch);
        GitSource git = fetchNow ? GitSource.open(repo, options) : GitSource.openWithoutFetching(repo, options);
        return new FleetSource(git, fleet.replaceAll("^/+|/+$", ""), worktree);
    }

    Path stateFile() {
        return StateLocation.resolve(Optional.ofNullable(state)).file();
    }

    /** The state store, created when missing. */
    StateStore openState() {
        return SqliteStateStore.open(stateFile());
    }

    /** A snapshot of the state when a state file exists; planning needs no state store. */
    Optional<StateSnapshot> snapshotIfPresent() {
        Path file = stateFile();
        if (!Files.exists(file)) return Optional.empty();
        try (StateStore s = SqliteStateStore.open(file)) {
            return Optional.of(s.snapshot());
        }
    }
}
