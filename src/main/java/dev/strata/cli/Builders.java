package dev.strata.cli;

import dev.strata.build.BuildProgress;
import dev.strata.build.BuildSettings;
import dev.strata.build.JibImageBuilder;
import dev.strata.reconcile.Applier;
import dev.strata.reconcile.BuildExecutor;
import dev.strata.reconcile.Revision;
import dev.strata.registry.Credentials;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.Retry;
import dev.strata.source.Redact;
import dev.strata.spec.FleetSpec;
import dev.strata.state.StateStore;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/** The image builder for one run: the Fleet's registry or --registry, --mirror, --insecure-registry. */
final class Builders {
    private Builders() {
    }

    /** A run's builder; close it after the run (it keeps registry connections open between builds). */
    record Run(JibImageBuilder builder) implements BuildExecutor, AutoCloseable {
        @Override
        public dev.strata.plan.Build build(dev.strata.plan.Action.BuildImage action, dev.strata.plan.Desired desired)
                throws Exception {
            var built = builder.build(action, desired);
            CrashTestHook.afterPush(); // crash tests only: halts here, between the push and the state write
            return built;
        }

        @Override
        public Optional<dev.strata.plan.Packages> packages(dev.strata.plan.Build built) {
            return builder.packages(built.inputsDigest());
        }

        @Override
        public void close() {
            builder.close();
        }
    }

    /** Notes go to {@code view}'s error stream, progress to its live block. */
    static Run forRun(RepoOptions repo, Revision rev, FleetSpec fleet, StateStore store, BuildProgressView view) {
        return forRun(repo, rev, fleet, store, view::note, view);
    }

    /** For reconcile and serve: notes as lines on {@code log}, no progress display. */
    static Run forRun(RepoOptions repo, Revision rev, FleetSpec fleet, StateStore store, PrintWriter log) {
        return forRun(repo, rev, fleet, store, line -> {
            synchronized (log) {
                log.println(line);
                log.flush();
            }
        }, progress -> { });
    }

    private static Run forRun(RepoOptions repo, Revision rev, FleetSpec fleet, StateStore store, Consumer<String> notes,
                              Consumer<BuildProgress> progress) {
        Optional<String> registry = Optional.ofNullable(repo.registry).filter(r -> !r.isBlank())
                .or(() -> fleet.fleet().registry());
        Path workDir = repo.stateFile().toAbsolutePath().getParent();
        BuildSettings settings = new BuildSettings(rev.tree(), rev.commitTime(), source(repo.repo), registry,
                RegistrySettings.of(fleet.fleet(), repo.mirrors, repo.insecureRegistries), Credentials.fromSystem(),
                Retry.standard(), workDir, Clock.systemUTC(), notes, progress);
        // STRATA_BUILDAH names the buildah for containerfile layers; otherwise the one on PATH (docs/build.md).
        Optional<String> buildah = Optional.ofNullable(System.getenv("STRATA_BUILDAH")).filter(b -> !b.isBlank());
        return new Run(new JibImageBuilder(settings, Applier.recordedBuilds(store),
                JibImageBuilder.findBuildah(buildah, System.getenv("PATH"))));
    }

    /** The repository for the source label: a URL without credentials; a local folder says nothing elsewhere. */
    static Optional<String> source(String repo) {
        if (repo == null || !repo.matches("(?i)(https?|ssh|git)://.*")) return Optional.empty();
        return Optional.of(Redact.url(repo));
    }
}
