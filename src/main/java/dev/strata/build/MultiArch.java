package dev.strata.build;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.registry.ImageIndexPush;
import dev.strata.registry.ImageLookup;
import dev.strata.registry.RegistryFailure;
import dev.strata.registry.Repository;
import dev.strata.inputs.ContainerfileContext;
import dev.strata.inputs.InputsHasher;
import dev.strata.spec.Image;
import dev.strata.source.SpecTree;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One build of a multi-arch image (an Image with {@code platforms}): for each platform, jib builds the
 * spec's layers on that platform's manifest of the base index and pushes it as
 * {@code inputs-<32 hex>-<os>-<arch>[-<variant>]}; then the OCI index over them is pushed with the tags a
 * single image gets. The file layers are staged once and are the same blobs in every platform's image.
 * A containerfile layer is built per platform with buildah, on that platform's base or previous step
 * (as {@code inputs-…-<os>-<arch>-s<N>}), where this host can run the platform's programs or the
 * Containerfile runs none. jib-core's own multi-platform build writes Docker manifest lists only, and
 * cannot take a per-platform step between its platforms, so each platform is its own jib build.
 */
final class MultiArch {
    private final JibImageBuilder builder;
    private final String name;
    private final Image spec;
    private final InputsDigest in;
    private final Desired desired;
    private final Optional<Repository> target;
    private final String tag;

    MultiArch(JibImageBuilder builder, String name, Image spec, InputsDigest in, Desired desired,
              Optional<Repository> target, String tag) {
        this.builder = builder;
        this.name = name;
        this.spec = spec;
        this.in = in;
        this.desired = desired;
        this.target = target;
        this.tag = tag;
    }

    /** One platform of the build: its base manifest as the registry describes it. */
    private record PlatformBase(String platform, ImageLookup.Image image) {
        Platform jib() {
            String[] p = platform.split("/");
            return new Platform(p[1], p[0]);
        }
    }

    Build build(ImageLookup lookup, JibImageBuilder.Base base, ImageLookup.Image index)
            throws BuildFailure, InterruptedException {
        BuildSettings settings = builder.settings;
        if (target.isEmpty()) {
            throw new BuildFailure("image " + name + " has platforms " + spec.platforms() + ": a multi-arch image is pushed"
                    + " as an image index, which needs a registry (set the Fleet's registry, or pass --registry)");
        }
        boolean steps = spec.layers().stream().anyMatch(l -> l.containerfile().isPresent());
        if (steps) {
            builder.requireBuildah(name, target);
            requireBuilders();
        }
        List<PlatformBase> bases = platformBases(lookup, base, index);
        // One created time for every platform: the latest base's, or the commit's when that is later.
        Instant created = settings.commitTime();
        for (PlatformBase b : bases) {
            Instant c = b.image().created().orElse(created);
            if (c.isAfter(created)) created = c;
        }
        ImageLookup.Image first = bases.get(0).image();
        Optional<String> baseVersion = Labels.osVersion(first.version().or(index::version));
        Map<String, String> labels = Labels.of(spec, in.digest(), base.name(), base.digest(), baseVersion, created,
                desired.revision(), settings.source());
        Optional<String> streamTag = Optional.empty();
        if (JibImageBuilder.zincati(desired, name)) {
            Labels.forZincati(labels, first.labels(), JibImageBuilder.fallbackStream(desired, name), baseVersion, in.digest());
            streamTag = Optional.of(labels.get(Labels.COREOS_STREAM));
        }
        Map<String, String> digests = new LinkedHashMap<>();
        Path staging = null;
        try {
            Files.createDirectories(settings.workDir());
            staging = Files.createTempDirectory(settings.workDir(), "build-" + name + "-");
            // Staged once: jib makes the same blob of the same entries, so every platform shares the file layers.
            List<FileEntriesLayer> staged = builder.layers(builder.contents(spec, desired), staging);
            List<FileEntriesLayer> specLayers = staged.subList(0, spec.layers().size());
            List<FileEntriesLayer> agent = staged.subList(spec.layers().size(), staged.size());
            for (PlatformBase b : bases) {
                JibImageBuilder.Base from = new JibImageBuilder.Base(base.pulled(), b.image().digest(), base.name());
                BuildProgress progress = builder.placeBase.place(name, base.pulled(), b.image(), target.get());
                List<FileEntriesLayer> layers = new ArrayList<>(specLayers);
                if (steps) {
                    // Each platform's containerfile layers are built for it, on its own base and steps. One package
                    // list is recorded per build: the first platform's (the same packages, as a rule, in every arch).
                    JibImageBuilder.Chain chain = builder.chain(spec, specLayers, from, target.get(),
                            platformTag(tag, b.platform()), Optional.of(b.platform()), created, staging, progress,
                            digests.isEmpty());
                    from = chain.base();
                    layers = new ArrayList<>(chain.rest());
                    chain.packages().ifPresent(p -> builder.keepPackages(in.digest(), p));
                }
                layers.addAll(agent);
                JibContainerBuilder image = Jib.from(builder.baseImage(from)).setPlatforms(Set.of(b.jib()));
                digests.put(b.platform(), builder.containerize(name + " (" + b.platform() + ")", image, from, layers, target,
                        platformTag(tag, b.platform()), Optional.empty(), builder.archive(name, in), created, labels, progress));
            }
        } catch (IOException e) {
            throw new BuildFailure("image " + name + ": cannot stage its files under " + settings.workDir() + ": " + e);
        } catch (InvalidImageReferenceException e) {
            throw new BuildFailure("image " + name + ": " + e.getMessage() + " is not an image reference");
        } finally {
            if (staging != null) JibImageBuilder.deleteTree(staging);
        }
        String digest = pushIndex(digests, streamTag);
        String reference = target.get().name() + "@" + digest;
        settings.log().accept(name + ": built " + reference + " (" + String.join(", ", digests.keySet()) + ")");
        return new Build(name, in.digest(), digest, reference, desired.revision(), base.digest(), baseVersion,
                settings.clock().instant(), Optional.of(created), Optional.ofNullable(labels.get(Labels.VERSION)), digests);
    }

    /**
     * Fails the image, before anything of it is pushed, when one of its containerfile layers runs programs
     * and this host cannot run one of its platforms' programs. No platform is pushed alone: an index without
     * a requested platform would leave that platform's machines with no image to move to.
     */
    private void requireBuilders() throws BuildFailure {
        List<String> problems = new ArrayList<>();
        for (Layer layer : spec.layers()) {
            if (layer.containerfile().isEmpty()) continue;
            Layer.Containerfile cf = layer.containerfile().get();
            String file;
            Optional<ContainerfileRuns.Instruction> runs;
            try {
                file = ContainerfileContext.containerfilePath(spec, cf);
                if (!(builder.settings.tree().resolve(file) instanceof SpecTree.Resolved.File f)) {
                    throw new IOException("Containerfile " + file + " is not a file");
                }
                runs = ContainerfileRuns.firstRunning(builder.settings.tree().read(f.path(), InputsHasher.MAX_SOURCE_BYTES));
            } catch (IOException e) {
                throw new BuildFailure("image " + name + ", layer " + layer.name() + ": cannot read its Containerfile from "
                        + builder.settings.tree().describe() + ": " + e.getMessage());
            }
            if (runs.isEmpty()) continue; // copies only: buildah builds it for any platform without running anything
            for (String p : spec.platforms()) {
                Optional<String> why = builder.host.whyNot(p);
                if (why.isPresent()) {
                    problems.add("layer " + layer.name() + " runs programs (" + file + " line " + runs.get().line() + ": "
                            + runs.get().keyword() + "), which for " + p + " needs a builder that runs " + p
                            + " programs, and this host has none: " + why.get());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BuildFailure("image " + name + " cannot be built for all its platforms " + spec.platforms() + ": "
                    + String.join("; ", problems) + ". To build it here, " + HostPlatforms.INSTALL_HINT + "; or remove the"
                    + " platform from 'platforms'. Nothing of image " + name + " was pushed: an index without a requested"
                    + " platform would leave that platform's machines without an image");
        }
    }

    /** {@code inputs-<32 hex>-linux-arm64}: where one platform's image is pushed before the index names it. */
    static String platformTag(String inputsTag, String platform) {
        return inputsTag + "-" + platform.replace('/', '-');
    }

    /** Each requested platform's base manifest, in spec order; a platform the base lacks fails the image. */
    private List<PlatformBase> platformBases(ImageLookup lookup, JibImageBuilder.Base base, ImageLookup.Image index)
            throws BuildFailure {
        String baseRef = base.pulled().name() + "@" + base.digest();
        if (index.platforms().isEmpty()) {
            throw new BuildFailure("image " + name + " has platforms " + spec.platforms() + ", but its base " + baseRef
                    + " is a single-platform image, not an image index; build it from a multi-arch base, or remove 'platforms'");
        }
        List<String> missing = spec.platforms().stream().filter(p -> index.platform(p).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new BuildFailure("image " + name + ": its base " + baseRef + " has no image for platform"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " (it has "
                    + String.join(", ", index.platforms().keySet()) + "); remove the platform from 'platforms', or use a"
                    + " base that has it");
        }
        List<PlatformBase> out = new ArrayList<>();
        for (String p : spec.platforms()) {
            String digest = index.platform(p).get();
            ImageLookup.Image image = builder.find(lookup, base.pulled(), digest, "pull the " + p + " base of " + name + " from")
                    .orElseThrow(() -> new BuildFailure("image " + name + ": the " + p + " manifest " + digest + " of its base "
                            + baseRef + " is not in the registry"));
            out.add(new PlatformBase(p, image));
        }
        return out;
    }

    private String pushIndex(Map<String, String> digests, Optional<String> streamTag) throws BuildFailure {
        BuildSettings settings = builder.settings;
        List<ImageIndexPush.Entry> entries = digests.entrySet().stream()
                .map(e -> new ImageIndexPush.Entry(e.getKey(), e.getValue())).toList();
        List<String> tags = new ArrayList<>(List.of(tag));
        streamTag.ifPresent(tags::add);
        Repository t = target.get();
        try {
            return new ImageIndexPush(settings.credentials(), settings.retry(), builder.connections)
                    .push(t, entries, tags, settings.registries().insecure(t));
        } catch (RegistryFailure f) {
            throw new BuildFailure("cannot push the image index of " + name + " to repository " + t.path() + " on registry "
                    + t.host() + ": " + f.getMessage());
        }
    }
}
