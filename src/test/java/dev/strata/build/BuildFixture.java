package dev.strata.build;

import dev.strata.inputs.InputsHasher;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.StreamResolution;
import dev.strata.registry.Credentials;
import dev.strata.registry.RegistrySettings;
import dev.strata.registry.Retry;
import dev.strata.source.FolderTree;
import dev.strata.spec.FleetSpec;
import dev.strata.testing.TestRegistry;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small fleet in a folder, on a pinned FCOS-like base in a {@link TestRegistry}, and a builder for it. */
final class BuildFixture {
    final Path dir;
    final TestRegistry registry;
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, Build> builds = new HashMap<>();

    BuildFixture(Path dir, TestRegistry registry) {
        this.dir = dir;
        this.registry = registry;
    }

    BuildFixture write(String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return this;
    }

    /** A Fleet pushing to {@code <registry>/<prefix>} (or no registry when prefix is null), and a pinned stream. */
    BuildFixture fleet(String prefix, String baseRepository, String baseDigest) throws Exception {
        write("fleet.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Fleet
                metadata: {name: test}
                spec:
                """ + (prefix == null ? "" : "  registry: " + registry.reference(prefix) + "\n")
                + "  insecureRegistries: [\"" + registry.host() + "\"]\n");
        return write("streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec:
                  image: %s
                  tag: stable
                  pin: %s
                """.formatted(registry.reference(baseRepository), baseDigest));
    }

    /**
     * A Fleet pushing to {@code registry} (a {@code host:port/path} reference, e.g. through a counting proxy)
     * and a stream pinned to {@code baseRepository@baseDigest}, both hosts listed as insecure.
     */
    BuildFixture fleetAt(String registry, String baseRepository, String baseDigest, String... insecureHosts) throws Exception {
        write("fleet.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Fleet
                metadata: {name: test}
                spec:
                  registry: %s
                  insecureRegistries: [%s]
                """.formatted(registry, String.join(", ", java.util.Arrays.stream(insecureHosts).map(h -> "\"" + h + "\"").toList())));
        return write("streams/fcos.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Stream
                metadata: {name: fcos}
                spec:
                  image: %s
                  tag: stable
                  pin: %s
                """.formatted(baseRepository, baseDigest));
    }

    FleetSpec spec() throws Exception {
        Validation v = new Validator().validate(new FolderTree(dir), "");
        return v.fleet().orElseThrow(() -> new AssertionError("invalid fleet: " + v));
    }

    Desired desired(String revision) throws Exception {
        FleetSpec fleet = spec();
        Map<String, StreamResolution> streams = new HashMap<>();
        for (var s : fleet.streams()) {
            streams.put(s.name(), new StreamResolution(s.name(), s.pin().orElseThrow(), s.version(), StreamResolution.Source.PIN));
        }
        Map<String, InputsDigest> inputs = new InputsHasher(new FolderTree(dir)).digests(fleet, streams);
        return new Desired(fleet, revision, inputs);
    }

    JibImageBuilder builder(Instant commitTime, Path workDir) throws Exception {
        return builder(commitTime, workDir, Optional.empty());
    }

    JibImageBuilder builder(Instant commitTime, Path workDir, Optional<String> registryOverride) throws Exception {
        return builder(commitTime, workDir, registryOverride, Credentials.none(), List.of());
    }

    /** A builder with these credentials, also allowing plain HTTP to {@code insecure} hosts (as --insecure-registry). */
    JibImageBuilder builder(Instant commitTime, Path workDir, Optional<String> registryOverride, Credentials credentials,
                            List<String> insecure) throws Exception {
        FleetSpec fleet = spec();
        BuildSettings settings = new BuildSettings(new FolderTree(dir), commitTime, Optional.empty(),
                registryOverride.or(() -> fleet.fleet().registry()),
                RegistrySettings.of(fleet.fleet(), List.of(), insecure), credentials, Retry.immediate(1), workDir,
                Clock.fixed(commitTime.plusSeconds(3600), ZoneOffset.UTC), log::add);
        return new JibImageBuilder(settings, in -> Optional.ofNullable(builds.get(in)), buildah, host);
    }

    /** Which platforms builders made after {@link #withBinfmt} run: this host's, by default. */
    private HostPlatforms host = HostPlatforms.current();

    /** Builders made after this read binfmt_misc from {@code folder}, as on a host where it looks like that. */
    BuildFixture withBinfmt(Path folder) {
        host = new HostPlatforms(System.getProperty("os.arch"), folder);
        return this;
    }

    /** The buildah builders of this fixture use; none with {@link #withoutBuildah}. */
    private Optional<Path> buildah = JibImageBuilder.findBuildah(Optional.empty(), System.getenv("PATH"));

    /** Builders made after this find no buildah, as where STRATA_BUILDAH names a missing file. */
    BuildFixture withoutBuildah(Path missing) {
        buildah = JibImageBuilder.findBuildah(Optional.of(missing.toString()), "");
        return this;
    }

    /** Builds {@code image} as a BUILD action would, and remembers the build for images built on it. */
    Build build(JibImageBuilder builder, Desired desired, String image) throws Exception {
        InputsDigest in = desired.inputs().get(image);
        Build b = builder.build(new Action.BuildImage(image, in.digest(), Action.BuildCause.NEW_IMAGE, List.of(), "test"), desired);
        builds.put(in.digest(), b);
        return b;
    }

    static List<String> copy(List<String> l) {
        return new ArrayList<>(l);
    }
}
