package dev.strata.build;

import dev.strata.registry.Credentials;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.Retry;
import dev.strata.source.SpecTree;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one run builds: the repository snapshot files are read from and its commit time, where images
 * go ({@code registry} empty: OCI archives under {@code workDir/images}), how registries are reached,
 * and where caches and staging files live ({@code workDir}, normally the state folder).
 *
 * @param source the repository as a URL, for the {@code org.opencontainers.image.source} label; empty
 *     for a local folder (a path is not meaningful elsewhere, and would make digests differ between machines)
 * @param log progress lines, one per step (for the CLI); never carries a credential
 * @param progress how far each build has got, for a display on a terminal; called from the build's threads
 */
public record BuildSettings(SpecTree tree, Instant commitTime, Optional<String> source, Optional<String> registry,
                            RegistrySettings registries, Credentials credentials, Retry retry, Path workDir,
                            Clock clock, Consumer<String> log, Consumer<BuildProgress> progress) {
    /** Settings with no progress display. */
    public BuildSettings(SpecTree tree, Instant commitTime, Optional<String> source, Optional<String> registry,
                         RegistrySettings registries, Credentials credentials, Retry retry, Path workDir,
                         Clock clock, Consumer<String> log) {
        this(tree, commitTime, source, registry, registries, credentials, retry, workDir, clock, log, p -> { });
    }
}
