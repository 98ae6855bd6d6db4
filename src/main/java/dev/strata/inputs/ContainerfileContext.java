package dev.strata.inputs;

import dev.strata.source.RepoPaths;
import dev.strata.source.SpecTree;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a containerfile layer builds from, read from the repository snapshot: the Containerfile's bytes
 * and every file and symlink of the context, paths relative to the context, sorted. The inputs digest
 * hashes exactly this, and the build stages exactly this, so the two cannot disagree.
 */
public record ContainerfileContext(byte[] containerfile, List<Entry> entries) {
    /** Largest context a build copies out of the repository. */
    public static final long MAX_CONTEXT_BYTES = 256L << 20;

    public ContainerfileContext {
        containerfile = containerfile.clone();
        entries = List.copyOf(entries);
    }

    /** A file ({@code bytes}, executable or not) or a symlink ({@code linkTarget} as written). */
    public record Entry(String path, boolean symlink, boolean executable, byte[] bytes, String linkTarget) {
        public Entry {
            bytes = bytes.clone();
        }

        /** Git's two file modes: what a commit can say about a file's mode. */
        public int mode() {
            return executable ? 0755 : 0644;
        }
    }

    @Override
    public byte[] containerfile() {
        return containerfile.clone();
    }

    /** The Containerfile's path from the repository root; empty when it escapes (validation reports that). */
    public static String containerfilePath(Image image, Layer.Containerfile cf) throws IOException {
        return RepoPaths.join(image.origin().folder(), cf.path())
                .orElseThrow(() -> new IOException("Containerfile " + cf.path() + " escapes the repository"));
    }

    /** The context folder from the repository root: the given one, or the Containerfile's folder. */
    public static String contextPath(Image image, Layer.Containerfile cf) throws IOException {
        if (cf.context().isEmpty()) return RepoPaths.parent(containerfilePath(image, cf));
        return RepoPaths.join(image.origin().folder(), cf.context().get())
                .orElseThrow(() -> new IOException("context " + cf.context().get() + " escapes the repository"));
    }

    /** Reads the layer's Containerfile and context from {@code tree}; fails on anything validation rejects. */
    public static ContainerfileContext read(SpecTree tree, Image image, Layer.Containerfile cf) throws IOException {
        String path = containerfilePath(image, cf);
        if (!(tree.resolve(path) instanceof SpecTree.Resolved.File file)) {
            throw new IOException("Containerfile " + path + " is not a file in " + tree.describe());
        }
        byte[] containerfile = tree.read(file.path(), InputsHasher.MAX_SOURCE_BYTES);
        String context = contextPath(image, cf);
        if (!(tree.resolve(context) instanceof SpecTree.Resolved.Folder folder)) {
            throw new IOException("context " + context + " is not a folder in " + tree.describe());
        }
        String root = folder.path();
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        for (SpecTree.Node node : tree.walk(root)) {
            String rel = root.isEmpty() ? node.path() : node.path().substring(root.length() + 1);
            switch (node.type()) {
                case FILE -> {
                    byte[] bytes = tree.read(node.path(), InputsHasher.MAX_SOURCE_BYTES);
                    total += bytes.length;
                    if (total > MAX_CONTEXT_BYTES) {
                        throw new IOException("context " + root + " holds more than " + MAX_CONTEXT_BYTES + " bytes");
                    }
                    entries.add(new Entry(rel, false, node.executable(), bytes, ""));
                }
                case SYMLINK -> {
                    String target = RepoPaths.join(RepoPaths.parent(node.path()), node.linkTarget()).orElse("/");
                    if (!(root.isEmpty() || target.equals(root) || target.startsWith(root + "/"))) {
                        throw new IOException("context " + root + ": the symlink " + rel + " leads out of the context");
                    }
                    entries.add(new Entry(rel, true, false, new byte[0], node.linkTarget()));
                }
                default -> throw new IOException("context " + root + ": " + rel + " is neither a file nor a symlink");
            }
        }
        return new ContainerfileContext(containerfile, entries);
    }
}
