package dev.strata.inputs;

import dev.strata.plan.InputsDigest;
import dev.strata.plan.StreamResolution;
import dev.strata.source.RepoPaths;
import dev.strata.source.SpecTree;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes each image's inputs digest: sha256 over a canonical text encoding of everything the user
 * controls (docs/inputs-digest.md). The encoding names a layout version, not Strata's version, so an
 * upgrade of Strata does not rebuild and reboot the fleet. Same fleet, same digest, on any machine.
 */
public final class InputsHasher {
    /** Bump only when the image layout that builds produce changes. */
    public static final String LAYOUT_VERSION = "strata-layout/1";
    /** Largest file an image may carry from the repository. */
    public static final long MAX_SOURCE_BYTES = 64L << 20;

    private final SpecTree tree;

    public InputsHasher(SpecTree tree) {
        this.tree = tree;
    }

    /** Inputs digests of every image whose base is known; images on an unresolved stream are absent. */
    public Map<String, InputsDigest> digests(FleetSpec fleet, Map<String, StreamResolution> streams) throws IOException {
        Map<String, InputsDigest> out = new LinkedHashMap<>();
        Map<String, Image> byName = FleetSpec.byName(fleet.images(), Image::name);
        for (Image image : fleet.images()) compute(fleet, image, byName, streams, out, new HashMap<>());
        return out;
    }

    private Optional<InputsDigest> compute(FleetSpec fleet, Image image, Map<String, Image> byName,
                                           Map<String, StreamResolution> streams, Map<String, InputsDigest> done,
                                           Map<String, Boolean> visiting) throws IOException {
        if (done.containsKey(image.name())) return Optional.of(done.get(image.name()));
        if (visiting.put(image.name(), true) != null) return Optional.empty(); // a cycle; validation reports it
        Optional<String> base;
        if (image.from() instanceof ImageSource.FromStream s) {
            base = Optional.ofNullable(streams.get(s.stream())).map(StreamResolution::digest);
        } else if (image.from() instanceof ImageSource.FromRef r) {
            base = Optional.of(r.ref().substring(r.ref().indexOf('@') + 1));
        } else {
            // Built on another image: that image's inputs stand for its digest, known before it is built.
            Image parent = byName.get(((ImageSource.FromImage) image.from()).image());
            base = parent == null ? Optional.empty()
                    : compute(fleet, parent, byName, streams, done, visiting).map(p -> "inputs:" + p.digest());
        }
        if (base.isEmpty()) return Optional.empty();
        InputsDigest d = encode(image, base.get(), AgentLayer.forImage(fleet, image.name()));
        done.put(image.name(), d);
        return Optional.of(d);
    }

    InputsDigest encode(Image image, String base) throws IOException {
        return encode(image, base, Optional.empty());
    }

    /**
     * The canonical encoding; every string is length-prefixed so no two inputs encode alike. The agent
     * layer, when the image carries one, comes last, as a layer of files named {@link AgentLayer#NAME}.
     */
    InputsDigest encode(Image image, String base, Optional<AgentLayer> agent) throws IOException {
        StringBuilder all = new StringBuilder();
        line(all, "layout", LAYOUT_VERSION);
        line(all, "base", base);
        for (var label : image.labels().entrySet()) line(all, "label", label.getKey(), label.getValue());
        // Only a multi-arch image has these lines, so every single-platform digest stays as it was.
        for (String platform : image.platforms()) line(all, "platform", platform);
        List<InputsDigest.LayerDigest> layers = new java.util.ArrayList<>();
        for (Layer layer : image.layers()) {
            StringBuilder l = new StringBuilder();
            Map<String, String> entries = new LinkedHashMap<>();
            line(l, "layer", layer.name());
            for (Layer.DirectoryEntry d : layer.directories()) {
                entries.put(d.path(), entry(l, "dir", d.path(), octal(d.mode()), d.owner()));
            }
            for (Layer.FileEntry f : layer.files()) {
                entries.put(f.path(), entry(l, "file", f.path(), octal(f.mode()), f.owner(), "sha256:" + sha256(bytes(image, f))));
            }
            for (String u : layer.systemd().enable()) entries.put("unit:" + u, entry(l, "enable", u));
            for (String u : layer.systemd().disable()) entries.put("unit:" + u, entry(l, "disable", u));
            for (String u : layer.systemd().mask()) entries.put("unit:" + u, entry(l, "mask", u));
            for (String k : layer.kernelArguments()) entries.put("karg:" + k, entry(l, "karg", k));
            if (layer.containerfile().isPresent()) containerfile(image, layer.containerfile().get(), l, entries);
            all.append(l);
            layers.add(new InputsDigest.LayerDigest(layer.name(), "sha256:" + sha256(utf8(l)), entries));
        }
        if (agent.isPresent()) {
            StringBuilder l = new StringBuilder();
            Map<String, String> entries = new LinkedHashMap<>();
            line(l, "layer", AgentLayer.NAME);
            for (AgentLayer.File f : agent.get().files()) {
                entries.put(f.path(), entry(l, "file", f.path(), octal(f.mode()), "0:0", "sha256:" + sha256(f.bytes())));
            }
            all.append(l);
            layers.add(new InputsDigest.LayerDigest(AgentLayer.NAME, "sha256:" + sha256(utf8(l)), entries));
        }
        return new InputsDigest(image.name(), "sha256:" + sha256(utf8(all)), base, layers);
    }

    /**
     * A containerfile layer's lines: the Containerfile's bytes, each context file (mode and bytes) or
     * symlink (target) by its path in the context, sorted, then the build arguments, sorted by name. Where
     * the Containerfile and context live is not hashed, only what they hold.
     */
    private void containerfile(Image image, Layer.Containerfile cf, StringBuilder l, Map<String, String> entries)
            throws IOException {
        ContainerfileContext ctx = ContainerfileContext.read(tree, image, cf);
        entries.put("containerfile", entry(l, "containerfile", "sha256:" + sha256(ctx.containerfile())));
        for (ContainerfileContext.Entry e : ctx.entries()) {
            entries.put("context:" + e.path(), e.symlink() ? entry(l, "ctxlink", e.path(), e.linkTarget())
                    : entry(l, "ctxfile", e.path(), octal(e.mode()), "sha256:" + sha256(e.bytes())));
        }
        for (var arg : cf.args().entrySet()) entries.put("arg:" + arg.getKey(), entry(l, "arg", arg.getKey(), arg.getValue()));
    }

    /** The tree file sources are read from. */
    public SpecTree tree() {
        return tree;
    }

    /** Where a file entry's source lives, relative to the repository root; empty for inline content or an escape. */
    public static Optional<String> sourcePath(Image image, Layer.FileEntry f) {
        return f.source().flatMap(s -> RepoPaths.join(image.origin().folder(), s));
    }

    /** The bytes a file entry places in the image: inline content, or the source file from the repository. */
    public byte[] bytes(Image image, Layer.FileEntry f) throws IOException {
        if (f.content().isPresent()) return f.content().get().getBytes(StandardCharsets.UTF_8);
        String path = sourcePath(image, f)
                .orElseThrow(() -> new IOException("source " + f.source().get() + " escapes the repository"));
        if (!(tree.resolve(path) instanceof SpecTree.Resolved.File file)) {
            throw new IOException("source " + path + " is not a file in " + tree.describe());
        }
        return tree.read(file.path(), MAX_SOURCE_BYTES);
    }

    private static String entry(StringBuilder to, String kind, String... fields) {
        StringBuilder one = new StringBuilder();
        line(one, kind, fields);
        to.append(one);
        return "sha256:" + sha256(utf8(one));
    }

    private static void line(StringBuilder b, String kind, String... fields) {
        b.append(kind);
        for (String f : fields) b.append(' ').append(f.getBytes(StandardCharsets.UTF_8).length).append(':').append(f);
        b.append('\n');
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static byte[] utf8(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
