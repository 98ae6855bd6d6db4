package dev.strata.build;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import dev.strata.inputs.AgentLayer;
import dev.strata.inputs.InputsHasher;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.registry.BaseBlobs;
import dev.strata.registry.Connections;
import dev.strata.registry.ImageLookup;
import dev.strata.registry.RegistryFailure;
import dev.strata.registry.Repository;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Builds the image of a BUILD action with jib-core (docs/build.md) and pushes it to
 * {@code <registry>/<image>:inputs-<32 hex of the inputs digest>}, or, with no registry, writes an OCI
 * archive under {@code <workDir>/images}. An image whose inputs tag is already in the registry is not
 * built again: its digest is returned, and nothing is written. Reproducible: the same inputs at the same
 * commit give the same digest on any machine (fixed tool name and version, file times, created time).
 * Use it as a {@code dev.strata.reconcile.BuildExecutor} through {@code builder::build}, one per run, and
 * close it after the run (it keeps registry connections open between builds).
 */
public final class JibImageBuilder implements AutoCloseable {
    /** Identifies the image layout, not Strata's version: an upgrade of Strata must not change digests. */
    static final String TOOL_NAME = "strata";
    static final String TOOL_VERSION = "layout-1";
    /** Every file's modification time. ostree drops file times anyway; a constant keeps layer digests stable. */
    static final Instant FILE_TIME = Instant.EPOCH.plusSeconds(1);

    final BuildSettings settings;
    private final Function<String, Optional<Build>> builtByInputs;
    private final InputsHasher files;
    final Connections connections = new Connections();
    final PlaceBase placeBase;
    private final Optional<ContainerfileStep> containerfiles;
    /** Which platforms' programs this host runs: a multi-arch image's RUN steps need each of its platforms. */
    final HostPlatforms host;
    /** Package lists of this run's builds by inputs digest, until the caller records them with the build. */
    private final Map<String, dev.strata.plan.Packages> packages = new java.util.concurrent.ConcurrentHashMap<>();
    /** jib's steps for every build of the run: one pool, rather than a new one (and its threads) per build. */
    private final ExecutorService jibThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jib");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param builtByInputs finds a recorded build by inputs digest: an image built on another image of the
     *     fleet uses its parent's build, made earlier in the same run
     */
    public JibImageBuilder(BuildSettings settings, Function<String, Optional<Build>> builtByInputs) {
        this(settings, builtByInputs, Buildah.find(Optional.empty(), System.getenv("PATH")));
    }

    /** The buildah to use: {@code override} if it is an executable file, else {@code buildah} on {@code path}. */
    public static Optional<Path> findBuildah(Optional<String> override, String path) {
        return Buildah.find(override, path);
    }

    /**
     * @param buildah the buildah that builds containerfile layers; empty when none is installed, which
     *     fails only the images that have such layers
     */
    public JibImageBuilder(BuildSettings settings, Function<String, Optional<Build>> builtByInputs, Optional<Path> buildah) {
        this(settings, builtByInputs, buildah, HostPlatforms.current());
    }

    /** As above, reading which platforms this host runs from {@code host} (tests: another binfmt_misc folder). */
    JibImageBuilder(BuildSettings settings, Function<String, Optional<Build>> builtByInputs, Optional<Path> buildah,
                    HostPlatforms host) {
        this.settings = settings;
        this.host = host;
        this.containerfiles = buildah.map(b -> new ContainerfileStep(
                new Buildah(b, settings.workDir().resolve("cache").resolve("buildah")), settings,
                PackageDb.findRpm(System.getenv("PATH"))));
        this.builtByInputs = builtByInputs;
        this.files = new InputsHasher(settings.tree());
        this.placeBase = new PlaceBase(new BaseBlobs(settings.credentials(), settings.retry(), settings.registries(), connections),
                settings.progress(), settings.log());
    }

    @Override
    public void close() {
        connections.close();
    }

    /**
     * The package list read while building {@code inputsDigest} (after its last containerfile layer), handed
     * over once; empty for an image without containerfile layers, whose packages are its base's.
     */
    public Optional<dev.strata.plan.Packages> packages(String inputsDigest) {
        return Optional.ofNullable(packages.remove(inputsDigest));
    }

    /** The repository an image is pushed to, when a registry is configured. */
    public Optional<Repository> target(String image) {
        return settings.registry().map(r -> Repository.parse(r.replaceAll("/+$", "") + "/" + image));
    }

    public Build build(Action.BuildImage action, Desired desired) throws BuildFailure, InterruptedException {
        if (action.republish().isPresent()) return republish(action, action.republish().get(), desired);
        String name = action.image();
        InputsDigest in = desired.inputs().get(name);
        Image spec = desired.fleet().image(name).orElseThrow(() -> new BuildFailure("image " + name + " is not in the fleet"));
        if (in == null || !in.digest().equals(action.inputsDigest())) {
            throw new BuildFailure("image " + name + ": the plan's inputs digest is not the fleet's at " + desired.revision());
        }
        Optional<Repository> target = target(name);
        String tag = Labels.inputsTag(in.digest());
        settings.progress().accept(BuildProgress.checking(name));
        try (ImageLookup lookup = new ImageLookup(settings.credentials(), settings.retry(), connections)) {
            if (target.isPresent()) {
                Optional<ImageLookup.Image> pushed = find(lookup, target.get(), tag, "look for " + name + " in");
                if (pushed.isPresent()) {
                    settings.log().accept(name + ": already pushed as " + target.get().withTag(tag) + " ("
                            + pushed.get().digest() + "); not rebuilt");
                    return new Build(name, in.digest(), pushed.get().digest(), target.get().name() + "@" + pushed.get().digest(),
                            desired.revision(), baseDigestOf(pushed.get(), in), Labels.osVersion(pushed.get().version()),
                            settings.clock().instant(), pushed.get().created(), pushed.get().version(),
                            spec.multiArch() ? pushed.get().platforms() : Map.of());
                }
            }
            Base base = base(spec, in, desired, lookup);
            ImageLookup.Image baseImage = find(lookup, base.pulled(), base.digest(), "pull the base of " + name + " from")
                    .orElseThrow(() -> new BuildFailure("image " + name + ": its base " + base.pulled().name() + "@"
                            + base.digest() + " is not on registry " + base.pulled().host() + " (repository "
                            + base.pulled().path() + ")"));
            if (spec.multiArch()) {
                return new MultiArch(this, name, spec, in, desired, target, tag)
                        .build(lookup, base, baseImage);
            }
            Instant created = baseImage.created().filter(c -> c.isAfter(settings.commitTime())).orElse(settings.commitTime());
            Optional<String> baseVersion = Labels.osVersion(baseImage.version());
            Map<String, String> labels = Labels.of(spec, in.digest(), base.name(), base.digest(), baseVersion, created,
                    desired.revision(), settings.source());
            Optional<String> streamTag = Optional.empty();
            if (zincati(desired, name)) {
                Labels.forZincati(labels, baseImage.labels(), fallbackStream(desired, name), baseVersion, in.digest());
                streamTag = Optional.of(labels.get(Labels.COREOS_STREAM));
            }
            boolean steps = spec.layers().stream().anyMatch(l -> l.containerfile().isPresent());
            if (steps) requireBuildah(name, target);
            BuildProgress progress = BuildProgress.checking(name);
            if (target.isPresent()) progress = placeBase.place(name, base.pulled(), baseImage, target.get());
            String digest;
            Path staging = null;
            try {
                Files.createDirectories(settings.workDir());
                staging = Files.createTempDirectory(settings.workDir(), "build-" + name + "-");
                List<FileEntriesLayer> rest = new java.util.ArrayList<>(layers(ImageLayout.of(spec, files::bytes), staging));
                Base last = base;
                if (steps) {
                    Chain chain = chain(spec, rest, base, target.get(), tag, Optional.empty(), created, staging, progress, true);
                    last = chain.base();
                    rest = new java.util.ArrayList<>(chain.rest());
                    chain.packages().ifPresent(p -> keepPackages(in.digest(), p));
                }
                Optional<AgentLayer> agent = AgentLayer.forImage(desired.fleet(), name);
                if (agent.isPresent()) rest.addAll(layers(List.of(ImageLayout.agent(agent.get())), staging));
                digest = containerize(name, Jib.from(baseImage(last)), last, rest, target, tag, streamTag,
                        archive(name, in), created, labels, progress);
            } catch (IOException e) {
                throw new BuildFailure("image " + name + ": cannot stage its files under " + settings.workDir() + ": " + e);
            } catch (InvalidImageReferenceException e) {
                throw new BuildFailure("image " + name + ": " + e.getMessage() + " is not an image reference");
            } finally {
                if (staging != null) deleteTree(staging);
            }
            String reference = target.map(t -> t.name() + "@" + digest).orElseGet(() -> "oci-archive:" + archive(name, in));
            settings.log().accept(name + ": built " + reference);
            return new Build(name, in.digest(), digest, reference, desired.revision(), base.digest(), baseVersion,
                    settings.clock().instant(), Optional.of(created), Optional.ofNullable(labels.get(Labels.VERSION)));
        }
    }

    void requireBuildah(String name, Optional<Repository> target) throws BuildFailure {
        if (target.isEmpty()) {
            throw new BuildFailure("image " + name + " has containerfile layers, which buildah builds and pushes to a registry;"
                    + " set the Fleet's registry or pass --registry");
        }
        if (containerfiles.isEmpty()) {
            throw new BuildFailure("image " + name + " has containerfile layers, but buildah is not installed (not on PATH, or"
                    + " STRATA_BUILDAH names no executable file): " + Buildah.INSTALL_HINT);
        }
    }

    /** The image built so far after the last containerfile layer, and the spec layers after it. */
    record Chain(Base base, List<FileEntriesLayer> rest, Optional<dev.strata.plan.Packages> packages) {
        Chain {
            rest = List.copyOf(rest);
        }
    }

    /** Hands a build's package list to the caller that records the build (see {@link #packages(String)}). */
    void keepPackages(String inputsDigest, dev.strata.plan.Packages list) {
        packages.put(inputsDigest, list);
    }

    /**
     * Builds the spec's layers in order up to its last containerfile layer: each run of file layers with
     * jib, each containerfile layer with buildah on what came before, every step pushed to the target as
     * {@code <tag>-s<N>} (docs/build.md). The base labels and created time are set by the final jib step.
     * {@code layers} holds one staged layer per spec layer (a containerfile layer's is not used), so a
     * multi-arch image gives every platform the same blobs; {@code platform}, when given, is the one every
     * step is built for, on that platform's {@code base}.
     */
    Chain chain(Image spec, List<FileEntriesLayer> layers, Base base, Repository target, String tag,
                Optional<String> platform, Instant created, Path staging, BuildProgress progress, boolean readPackages)
            throws BuildFailure, InterruptedException, IOException, InvalidImageReferenceException {
        List<FileEntriesLayer> pending = new java.util.ArrayList<>();
        String shown = spec.name() + platform.map(p -> " (" + p + ")").orElse("");
        Base current = base;
        int step = 0;
        int last = -1;
        for (int i = 0; i < spec.layers().size(); i++) if (spec.layers().get(i).containerfile().isPresent()) last = i;
        Optional<dev.strata.plan.Packages> packages = Optional.empty();
        for (int i = 0; i < spec.layers().size(); i++) {
            dev.strata.spec.Layer layer = spec.layers().get(i);
            if (layer.containerfile().isEmpty()) {
                pending.add(layers.get(i));
                continue;
            }
            if (!pending.isEmpty()) {
                String stepTag = tag + "-s" + ++step;
                String d = containerize(shown, onPlatform(Jib.from(baseImage(current)), platform), current, pending,
                        Optional.of(target), stepTag, Optional.empty(), settings.workDir().resolve("unused.tar"), created, Map.of(), progress);
                current = new Base(target, d, target.withTag(stepTag));
                pending.clear();
            }
            String stepTag = tag + "-s" + ++step;
            ContainerfileStep.Pushed pushed = containerfiles.orElseThrow().build(spec, layer, current.pulled(), current.digest(),
                    target, stepTag, platform, created, staging, readPackages && i == last);
            if (i == last) packages = pushed.packages();
            current = new Base(target, pushed.digest(), target.withTag(stepTag));
        }
        return new Chain(current, pending, packages);
    }

    /** {@code image} built for {@code platform} ({@code os/arch}; jib has no variant), or as jib chooses when none is given. */
    static JibContainerBuilder onPlatform(JibContainerBuilder image, Optional<String> platform) {
        if (platform.isEmpty()) return image;
        String[] p = platform.get().split("/");
        return image.setPlatforms(java.util.Set.of(new com.google.cloud.tools.jib.api.buildplan.Platform(p[1], p[0])));
    }

    /**
     * The spec's layers, one per spec layer (a containerfile layer's is empty and never used), then the
     * agent's when its groups run it: what every platform of an image carries.
     */
    List<LayerContent> contents(Image spec, Desired desired) throws IOException {
        List<LayerContent> out = new java.util.ArrayList<>(ImageLayout.of(spec, files::bytes));
        AgentLayer.forImage(desired.fleet(), spec.name()).ifPresent(a -> out.add(ImageLayout.agent(a)));
        return out;
    }

    /** Where a base is pulled from (mirrors applied), its digest, and its name for the base.name label. */
    record Base(Repository pulled, String digest, String name) {
    }

    private Base base(Image spec, InputsDigest in, Desired desired, ImageLookup lookup) throws BuildFailure {
        String name = spec.name();
        if (spec.from() instanceof ImageSource.FromStream s) {
            Stream stream = desired.fleet().stream(s.stream())
                    .orElseThrow(() -> new BuildFailure("image " + name + ": stream " + s.stream() + " is not in the fleet"));
            Repository origin = repository(stream.image(), name);
            String label = stream.tag().map(origin::withTag).orElse(origin.name() + "@" + in.baseDigest());
            return new Base(pulled(origin, name), in.baseDigest(), label);
        }
        if (spec.from() instanceof ImageSource.FromRef r) {
            int at = r.ref().indexOf('@');
            Repository origin = repository(r.ref().substring(0, at), name);
            return new Base(pulled(origin, name), r.ref().substring(at + 1), r.ref());
        }
        String parent = ((ImageSource.FromImage) spec.from()).image();
        InputsDigest parentIn = desired.inputs().get(parent);
        if (parentIn == null) throw new BuildFailure("image " + name + ": its base image " + parent + " has no inputs (its base is unresolved)");
        Optional<Build> built = builtByInputs.apply(parentIn.digest());
        if (built.isPresent() && built.get().reference().startsWith("oci-archive:")) {
            throw new BuildFailure("image " + name + " is built on image " + parent + ", which was written to an OCI archive:"
                    + " images built on images need a registry (set the Fleet's registry, or pass --registry)");
        }
        if (built.isPresent()) {
            String ref = built.get().reference();
            return new Base(repository(ref.substring(0, ref.indexOf('@')), name), built.get().imageDigest(),
                    ref.substring(0, ref.indexOf('@')) + ":" + Labels.inputsTag(parentIn.digest()));
        }
        Optional<Repository> parentRepo = target(parent);
        if (parentRepo.isPresent()) {
            Optional<ImageLookup.Image> pushed = find(lookup, parentRepo.get(), Labels.inputsTag(parentIn.digest()),
                    "look for base image " + parent + " in");
            if (pushed.isPresent()) {
                return new Base(parentRepo.get(), pushed.get().digest(), parentRepo.get().withTag(Labels.inputsTag(parentIn.digest())));
            }
        }
        throw new BuildFailure("image " + name + ": its base image " + parent + " is not built"
                + parentRepo.map(r -> " (no tag " + Labels.inputsTag(parentIn.digest()) + " in repository " + r.path()
                + " on registry " + r.host() + ")").orElse("") + "; build " + parent + " first");
    }

    private Repository repository(String reference, String image) throws BuildFailure {
        try {
            return Repository.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new BuildFailure("image " + image + ": " + e.getMessage());
        }
    }

    private Repository pulled(Repository origin, String image) throws BuildFailure {
        return repository(settings.registries().mirrors().rewrite(origin.name()), image);
    }

    Optional<ImageLookup.Image> find(ImageLookup lookup, Repository repo, String tagOrDigest, String doing)
            throws BuildFailure {
        try {
            return lookup.find(repo, tagOrDigest, settings.registries().insecure(repo));
        } catch (RegistryFailure f) {
            throw new BuildFailure("cannot " + doing + " repository " + repo.path() + " on registry " + repo.host() + ": "
                    + f.getMessage());
        }
    }

    private static String baseDigestOf(ImageLookup.Image pushed, InputsDigest in) {
        return Optional.ofNullable(pushed.labels().get("org.opencontainers.image.base.digest")).orElse(in.baseDigest());
    }

    Path archive(String image, InputsDigest in) {
        return settings.workDir().resolve("images").resolve(image + "-" + Labels.hex(in.digest()).substring(0, 12) + ".tar");
    }

    /** Images whose group Zincati updates: they carry Zincati's labels and the stream tag (docs/zincati.md). */
    static boolean zincati(Desired desired, String image) {
        return desired.fleet().groups().stream().anyMatch(g -> g.delivery() == dev.strata.spec.MachineGroup.Delivery.ZINCATI
                && g.image().equals(image));
    }

    /** {@code com.coreos.stream} for a base that has none: the root stream's tag, else its name. */
    static String fallbackStream(Desired desired, String image) {
        return dev.strata.plan.Releases.rootStream(desired.fleet(), image).map(s -> s.tag().orElse(s.name())).orElse("stable");
    }

    RegistryImage baseImage(Base base) throws InvalidImageReferenceException {
        return RegistryImage.named(ImageReference.parse(base.pulled().name() + "@" + base.digest()))
                .addCredentialRetriever(settings.credentials().retriever(base.pulled().registry()));
    }

    /**
     * A zincati group's revert or rollback: the pushed image {@code fromDigest}, unchanged but for a created
     * time no earlier than {@code notBefore} and a new version label, pushed as
     * {@code inputs-<32 hex>-r<notBefore seconds>} (docs/zincati.md). Found by that tag when pushed already.
     */
    private Build republish(Action.BuildImage action, Action.Republish rp, Desired desired)
            throws BuildFailure, InterruptedException {
        String name = action.image();
        String ref = rp.fromReference();
        if (!ref.contains("@")) throw new BuildFailure("image " + name + ": " + ref + " is not in a registry; a republish needs one");
        Repository repo = repository(ref.substring(0, ref.indexOf('@')), name);
        String tag = Labels.republishTag(action.inputsDigest(), rp.notBefore());
        try (ImageLookup lookup = new ImageLookup(settings.credentials(), settings.retry(), connections)) {
            Optional<ImageLookup.Image> pushed = find(lookup, repo, tag, "look for " + name + " in");
            if (pushed.isPresent()) {
                settings.log().accept(name + ": already republished as " + repo.withTag(tag) + " (" + pushed.get().digest() + ")");
                return republished(action, repo, pushed.get().digest(), pushed.get(), desired, pushed.get().created(),
                        pushed.get().version());
            }
            ImageLookup.Image old = find(lookup, repo, rp.fromDigest(), "read " + name + " from")
                    .orElseThrow(() -> new BuildFailure("image " + name + ": " + rp.fromDigest() + " is no longer in repository "
                            + repo.path() + " on registry " + repo.host() + "; it cannot be published again"));
            Instant created = old.created().filter(c -> c.isAfter(rp.notBefore())).orElse(rp.notBefore());
            Map<String, String> labels = new java.util.TreeMap<>(old.labels());
            labels.put(Labels.VERSION, rp.version());
            labels.put(Labels.CREATED, java.time.format.DateTimeFormatter.ISO_INSTANT.format(created));
            Optional<String> streamTag = Optional.ofNullable(labels.get(Labels.COREOS_STREAM)).filter(v -> !v.isBlank());
            Base from = new Base(repo, rp.fromDigest(), ref);
            String digest;
            try {
                digest = containerize(name, Jib.from(baseImage(from)), from, List.of(), Optional.of(repo), tag, streamTag,
                        settings.workDir().resolve("unused.tar"), created, labels, BuildProgress.checking(name));
            } catch (InvalidImageReferenceException e) {
                throw new BuildFailure("image " + name + ": " + e.getMessage() + " is not an image reference");
            }
            settings.log().accept(name + ": published " + rp.fromDigest() + " again as " + repo.name() + "@" + digest
                    + " (version " + rp.version() + ")");
            return republished(action, repo, digest, old, desired, Optional.of(created), Optional.of(rp.version()));
        }
    }

    private Build republished(Action.BuildImage action, Repository repo, String digest, ImageLookup.Image image,
                              Desired desired, Optional<Instant> created, Optional<String> version) {
        String baseDigest = Optional.ofNullable(image.labels().get("org.opencontainers.image.base.digest")).orElse("");
        return new Build(action.image(), action.inputsDigest(), digest, repo.name() + "@" + digest, desired.revision(),
                baseDigest, Labels.osVersion(image.version()), settings.clock().instant(), created, version);
    }

    String containerize(String name, JibContainerBuilder image, Base base, List<FileEntriesLayer> layers,
                                Optional<Repository> target, String tag, Optional<String> extraTag, Path archive,
                                Instant created, Map<String, String> labels, BuildProgress progress)
            throws BuildFailure, InterruptedException {
        try {
            Files.createDirectories(settings.workDir());
            image.setFormat(ImageFormat.OCI)
                    .setCreationTime(created)
                    .setLabels(labels);
            for (FileEntriesLayer layer : layers) image.addFileEntriesLayer(layer);
            boolean insecure = settings.registries().insecure(base.pulled())
                    || target.map(t -> settings.registries().insecure(t)).orElse(false);
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
            Containerizer to;
            if (target.isPresent()) {
                to = Containerizer.to(RegistryImage.named(ImageReference.parse(target.get().withTag(tag)))
                        .addCredentialRetriever(settings.credentials().retriever(target.get().registry())));
                if (extraTag.isPresent()) to.withAdditionalTag(extraTag.get());
            } else {
                Files.createDirectories(archive.getParent());
                to = Containerizer.to(TarImage.at(partial).named("strata/" + name + ":" + tag));
            }
            to.setToolName(TOOL_NAME).setToolVersion(TOOL_VERSION)
                    .setExecutorService(jibThreads)
                    .setAllowInsecureRegistries(insecure)
                    .setBaseImageLayersCache(settings.workDir().resolve("cache").resolve("jib-base"))
                    .setApplicationLayersCache(settings.workDir().resolve("cache").resolve("jib-application"))
                    .addEventHandler(LogEvent.class, e -> {
                        if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN) {
                            settings.log().accept(name + ": jib: " + e.getMessage());
                        }
                    });
            if (target.isPresent()) to.addEventHandler(ProgressEvent.class, new PushProgress(progress, settings.progress()));
            JibContainer built = insecure ? HttpCredentials.during(() -> image.containerize(to)) : image.containerize(to);
            if (target.isEmpty()) Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return built.getDigest().toString();
        } catch (InterruptedException e) {
            throw e;
        } catch (InvalidImageReferenceException e) {
            throw new BuildFailure("image " + name + ": " + e.getMessage() + " is not an image reference");
        } catch (Exception e) {
            String where = target.map(t -> "push image " + name + " to repository " + t.path() + " on registry " + t.host())
                    .orElse("write image " + name + " to " + archive);
            throw new BuildFailure("cannot " + where + " (base " + base.pulled().name() + "@" + base.digest() + " from registry "
                    + base.pulled().host() + "): " + rootMessage(e));
        }
    }

    /** Layers as jib layers; bytes are staged as files in a new folder under {@code staging} (jib reads files). */
    List<FileEntriesLayer> layers(List<LayerContent> contents, Path staging) throws IOException {
        List<FileEntriesLayer> out = new java.util.ArrayList<>();
        int n = 0;
        staging = Files.createTempDirectory(staging, "layers-");
        for (LayerContent layer : contents) {
            FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName(layer.name());
            for (LayerContent.Entry e : layer.entries()) {
                Path source;
                if (e.directory()) {
                    source = Files.createDirectories(staging.resolve("d" + n++));
                } else {
                    source = Files.write(staging.resolve("f" + n++), e.bytes().get());
                }
                b.addEntry(new FileEntry(source, AbsoluteUnixPath.get(e.path()),
                        FilePermissions.fromOctalString(String.format("%03o", e.mode() & 0777)), FILE_TIME, e.owner()));
            }
            out.add(b.build());
        }
        return out;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A staging folder left behind is harmless.
        }
    }
}
