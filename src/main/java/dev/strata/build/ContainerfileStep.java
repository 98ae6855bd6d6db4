package dev.strata.build;

import com.google.cloud.tools.jib.api.Credential;
import dev.strata.inputs.ContainerfileContext;
import dev.strata.plan.Packages;
import dev.strata.registry.Credentials;
import dev.strata.registry.Repository;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds one containerfile layer with {@code buildah bud --isolation chroot} FROM the image built so far
 * and pushes it to the target repository under an intermediate tag (docs/build.md#containerfile-layers).
 * The Containerfile and context are staged from the repository snapshot, the same bytes the inputs
 * digest hashed. Build arguments: the spec's, then {@code STRATA_BASE} (the image built so far, by
 * digest) and {@code KERNEL_VERSION} (the one folder of /usr/lib/modules in it).
 */
final class ContainerfileStep {
    private static final String MODULES = "usr/lib/modules";

    private final Buildah buildah;
    private final BuildSettings settings;
    /** Kernel versions by image reference: several images of a run often share a base. */
    private final Map<String, String> kernels = new ConcurrentHashMap<>();

    /** The build host's rpm, which reads an image's RPM database; empty when none is installed. */
    private final Optional<Path> rpm;

    ContainerfileStep(Buildah buildah, BuildSettings settings) {
        this(buildah, settings, Optional.empty());
    }

    ContainerfileStep(Buildah buildah, BuildSettings settings, Optional<Path> rpm) {
        this.buildah = buildah;
        this.settings = settings;
        this.rpm = rpm;
    }

    /** A pushed step: its manifest digest, and the image's package list when it was asked for and could be read. */
    record Pushed(String digest, Optional<Packages> packages) {
    }

    /**
     * Builds {@code layer} of {@code spec} on {@code from} ({@code repository@digest}) and pushes it to
     * {@code target:tag}. With a {@code platform} ({@code os/arch[/variant]}, a multi-arch image) it is built
     * for that platform, which {@code from} must be; with {@code readPackages} (the image's last containerfile
     * layer) it also reads the package list of what it built, from the local build before it is removed
     * (docs/packages.md).
     */
    Pushed build(Image spec, Layer layer, Repository fromRepo, String fromDigest, Repository target, String tag,
                 Optional<String> platform, Instant created, Path staging, boolean readPackages)
            throws BuildFailure, InterruptedException {
        String name = spec.name();
        String from = fromRepo.name() + "@" + fromDigest;
        String what = "layer " + layer.name() + " of image " + name + platform.map(p -> " for " + p).orElse("");
        Layer.Containerfile cf = layer.containerfile().orElseThrow();
        Path dir;
        Buildah.Call call;
        try {
            dir = Files.createTempDirectory(staging, "containerfile-");
            call = new Buildah.Call(registriesConf(dir), authFile(dir, fromRepo, target), dir.resolve("buildah.log"));
        } catch (IOException e) {
            throw new BuildFailure(what + ": cannot stage its build under " + staging + ": " + e.getMessage());
        }
        String kernel = kernel(call, from, platform, what);
        Path containerfile = dir.resolve("Containerfile");
        Path context = dir.resolve("context");
        try {
            stage(ContainerfileContext.read(settings.tree(), spec, cf), containerfile, context);
        } catch (IOException e) {
            throw new BuildFailure(what + ": cannot read its Containerfile and context from " + settings.tree().describe()
                    + ": " + e.getMessage());
        }
        String local = "localhost/strata-build/" + name + ":" + tag;
        List<String> bud = new ArrayList<>(List.of("bud", "--isolation", "chroot", "--timestamp",
                Long.toString(created.getEpochSecond()), "--identity-label=false", "--format", "oci",
                "--authfile", call.authFile().toString(), "-f", containerfile.toString(), "-t", local));
        // Without it buildah would label the result with the host's platform, whatever the base's.
        platform.ifPresent(p -> bud.addAll(List.of("--platform", p)));
        cf.args().forEach((k, v) -> bud.addAll(List.of("--build-arg", k + "=" + v)));
        bud.addAll(List.of("--build-arg", "STRATA_BASE=" + from, "--build-arg", "KERNEL_VERSION=" + kernel,
                context.toString()));
        settings.log().accept(name + ": building " + what + " with buildah on " + from + " (kernel " + kernel + ")");
        buildah.run(call, "build " + what + " on " + from, bud);
        Optional<Packages> packages = readPackages ? packages(call, local, name) : Optional.empty();
        Path digestFile = dir.resolve("digest");
        try {
            buildah.run(call, "push " + what + " to repository " + target.path() + " on registry " + target.host(),
                    List.of("push", "--authfile", call.authFile().toString(), "--format", "oci", "--digestfile",
                            digestFile.toString(), local, "docker://" + target.withTag(tag)));
            return new Pushed(Files.readString(digestFile, StandardCharsets.US_ASCII).strip(), packages);
        } catch (IOException e) {
            throw new BuildFailure(what + ": buildah pushed it but wrote no digest to " + digestFile);
        } finally {
            try {
                buildah.run(call, "remove " + local, List.of("rmi", local));
            } catch (BuildFailure e) {
                settings.log().accept(name + ": " + e.getMessage().lines().findFirst().orElse("") + " (harmless; left in "
                        + "the buildah storage)");
            }
        }
    }

    /** The package list of the local image {@code local}, read from a mounted container of it; empty with a note when unknown. */
    private Optional<Packages> packages(Buildah.Call call, String local, String name) throws BuildFailure, InterruptedException {
        String container = buildah.run(call, "open " + local, List.of("from", "--quiet", local)).strip();
        container = container.substring(container.lastIndexOf('\n') + 1);
        try {
            Path root = Path.of(buildah.run(call, "mount " + local, List.of("mount", container)).strip());
            PackageDb.Read read = PackageDb.read(root, rpm);
            read.note().ifPresent(n -> settings.log().accept(name + ": no package list recorded: " + n));
            read.packages().ifPresent(p -> settings.log().accept(name + ": " + p.packages().size() + " packages (" + p.format() + ")"));
            return read.packages();
        } finally {
            buildah.run(call, "remove the container " + container, List.of("rm", container));
        }
    }

    /** The one kernel folder under /usr/lib/modules of {@code from}, read from a mounted container of it. */
    private String kernel(Buildah.Call call, String from, Optional<String> platform, String what)
            throws BuildFailure, InterruptedException {
        String known = kernels.get(from);
        if (known != null) return known;
        List<String> args = new ArrayList<>(List.of("from", "--quiet", "--authfile", call.authFile().toString()));
        // Mounting runs nothing, so a base of any platform can be read here; saying which keeps buildah quiet about it.
        platform.ifPresent(p -> args.addAll(List.of("--platform", p)));
        args.add(from);
        String container = buildah.run(call, "pull " + from, args).strip();
        container = container.substring(container.lastIndexOf('\n') + 1);
        try {
            Path root = Path.of(buildah.run(call, "mount " + from, List.of("mount", container)).strip());
            List<String> versions = new ArrayList<>();
            Path modules = root.resolve(MODULES);
            if (Files.isDirectory(modules)) {
                try (var list = Files.list(modules)) {
                    list.filter(Files::isDirectory).forEach(p -> versions.add(p.getFileName().toString()));
                }
            }
            versions.sort(null);
            if (versions.size() != 1) {
                throw new BuildFailure(what + ": its base " + from + " has " + (versions.isEmpty() ? "no kernel folder"
                        : versions.size() + " kernel folders (" + String.join(", ", versions) + ")") + " in /" + MODULES
                        + ", so KERNEL_VERSION is unknown; a bootable base has exactly one");
            }
            kernels.put(from, versions.get(0));
            return versions.get(0);
        } catch (IOException e) {
            throw new BuildFailure(what + ": cannot list /" + MODULES + " of " + from + ": " + e.getMessage());
        } finally {
            buildah.run(call, "remove the container " + container, List.of("rm", container));
        }
    }

    /** Plain HTTP only for the run's insecure registries; no short-name search, so nothing is guessed. */
    private Path registriesConf(Path dir) throws IOException {
        StringBuilder b = new StringBuilder("unqualified-search-registries = []\n");
        for (String host : settings.registries().insecureRegistries()) {
            b.append("\n[[registry]]\nlocation = \"").append(host.replace("\"", "")).append("\"\ninsecure = true\n");
        }
        return Files.writeString(dir.resolve("registries.conf"), b.toString(), StandardCharsets.UTF_8);
    }

    /** The run's credentials for the base's and the target's registries, in a 0600 file deleted with the staging folder. */
    private Path authFile(Path dir, Repository... repos) throws IOException, BuildFailure {
        Path file = Files.createFile(dir.resolve("auth.json"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder b = new StringBuilder("{\"auths\":{");
        boolean first = true;
        for (Repository r : repos) {
            Credential c;
            try {
                c = settings.credentials().find(r.registry()).map(Credentials.Found::credential).orElse(null);
            } catch (Credentials.CredentialsException e) {
                throw new BuildFailure(e.getMessage());
            }
            if (c == null) continue;
            String auth = Base64.getEncoder().encodeToString((c.getUsername() + ":" + c.getPassword()).getBytes(StandardCharsets.UTF_8));
            b.append(first ? "" : ",").append('"').append(r.host()).append("\":{\"auth\":\"").append(auth).append("\"}");
            first = false;
        }
        Files.writeString(file, b.append("}}\n").toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** Writes the context as Git would check it out (0644 or 0755, symlinks as links), with fixed file times. */
    static void stage(ContainerfileContext ctx, Path containerfile, Path context) throws IOException {
        Files.write(containerfile, ctx.containerfile());
        Files.createDirectories(context);
        FileTime time = FileTime.from(JibImageBuilder.FILE_TIME);
        for (ContainerfileContext.Entry e : ctx.entries()) {
            Path p = context.resolve(e.path());
            Files.createDirectories(p.getParent());
            if (e.symlink()) {
                Files.createSymbolicLink(p, Path.of(e.linkTarget()));
            } else {
                Files.write(p, e.bytes());
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(e.executable() ? "rwxr-xr-x" : "rw-r--r--"));
                Files.setLastModifiedTime(p, time);
            }
        }
        // COPY copies folders' modes and times too: make them the same whatever the umask.
        try (var dirs = Files.walk(context)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setLastModifiedTime(d, time);
            }
        }
    }
}
