package dev.strata.plan;

import dev.strata.spec.Kind;
import dev.strata.spec.Layer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a pull-request preview shows beyond the plan: the two revisions compared, how each spec
 * object changed between them, and the bytes of the files whose content changed in each image.
 * The caller (which reads both revisions) builds it; rendering only formats it.
 */
public record Preview(Optional<String> baseRevision, String headRevision, List<SpecChange> specChanges,
                      List<FileChange> fileChanges, List<ContainerfileChange> containerfiles,
                      List<PackageDelta> packages) {
    public Preview {
        specChanges = List.copyOf(specChanges);
        fileChanges = List.copyOf(fileChanges);
        containerfiles = List.copyOf(containerfiles);
        packages = List.copyOf(packages);
    }

    /** A preview of files only: no containerfile layers changed, no package lists known. */
    public Preview(Optional<String> baseRevision, String headRevision, List<SpecChange> specChanges,
                   List<FileChange> fileChanges) {
        this(baseRevision, headRevision, specChanges, fileChanges, List.of(), List.of());
    }

    /** A preview of one revision alone: no base to compare with, so no spec or file changes. */
    public static Preview of(String headRevision) {
        return new Preview(Optional.empty(), headRevision, List.of(), List.of());
    }

    /** The same preview with the package deltas of the last builds (read from the state store). */
    public Preview withPackages(List<PackageDelta> deltas) {
        return new Preview(baseRevision, headRevision, specChanges, fileChanges, containerfiles, deltas);
    }

    public List<FileChange> fileChanges(String image) {
        return fileChanges.stream().filter(f -> f.image().equals(image)).toList();
    }

    public List<ContainerfileChange> containerfiles(String image) {
        return containerfiles.stream().filter(c -> c.image().equals(image)).toList();
    }

    public Optional<PackageDelta> packages(String image) {
        return packages.stream().filter(d -> d.image().equals(image)).findFirst();
    }

    /** Whether anything an image is built from changed apart from its spec: carried files or containerfile layers. */
    public boolean imageContentChanged(String image) {
        return !fileChanges(image).isEmpty() || !containerfiles(image).isEmpty();
    }

    /** How a spec object changed between base and head, in Flux's manner: {@code Image/dc-bonded changed}. */
    public record SpecChange(Kind kind, String name, Change change) {
        @Override
        public String toString() {
            return kind.displayName() + "/" + name + " " + change.word();
        }
    }

    /**
     * A containerfile layer of {@code image} that was added, removed, moved or changed between base and
     * head, matched by layer name. {@code fromPosition}/{@code toPosition} are 1-based places among the
     * image's layers (of {@code layerCount} in head), absent on the side that has no such layer; {@code moved}
     * says its order among the layers both sides have changed. {@code containerfile} is the Containerfile's
     * change when its bytes differ (the whole file for an added or removed layer); {@code context} lists
     * the context files that differ, paths relative to the context folder.
     */
    public record ContainerfileChange(String image, String layer, Change change, Optional<Integer> fromPosition,
                                      Optional<Integer> toPosition, int layerCount, boolean moved, String path,
                                      String contextPath, Optional<FileChange> containerfile, List<ArgChange> args,
                                      List<FileChange> context) {
        public ContainerfileChange {
            args = List.copyOf(args);
            context = List.copyOf(context);
        }
    }

    /** A build argument added (no {@code before}), removed (no {@code after}) or given another value. */
    public record ArgChange(String name, Optional<String> before, Optional<String> after) {
        public Change change() {
            if (before.isEmpty()) return Change.ADDED;
            if (after.isEmpty()) return Change.REMOVED;
            return before.equals(after) ? Change.UNCHANGED : Change.CHANGED;
        }
    }

    public enum Change {
        ADDED, CHANGED, REMOVED, UNCHANGED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A file an image carries whose bytes differ between base and head; {@code before} is empty for an
     * added file, {@code after} for a removed one. {@code mode} is the head's (the base's when removed).
     * A {@code hidden} file (secret, or not world-readable, on either side) is only ever shown as
     * changed, with short hashes; never its content.
     */
    public record FileChange(String image, String path, int mode, boolean hidden, Optional<byte[]> before,
                             Optional<byte[]> after) {
        public FileChange {
            if (before.isEmpty() && after.isEmpty()) throw new IllegalArgumentException(path + ": no content on either side");
            before = before.map(byte[]::clone);
            after = after.map(byte[]::clone);
        }

        /** A change between two spec entries of the same path; hidden if either side is. */
        public static FileChange between(String image, Optional<Layer.FileEntry> was, Optional<byte[]> before,
                                         Optional<Layer.FileEntry> now, Optional<byte[]> after) {
            Layer.FileEntry any = now.or(() -> was).orElseThrow(() -> new IllegalArgumentException("no file entry"));
            boolean hidden = was.map(Layer.FileEntry::hidden).orElse(false) || now.map(Layer.FileEntry::hidden).orElse(false);
            return new FileChange(image, any.path(), any.mode(), hidden, before, after);
        }

        public Change change() {
            if (before.isEmpty()) return Change.ADDED;
            if (after.isEmpty()) return Change.REMOVED;
            return Arrays.equals(before.get(), after.get()) ? Change.UNCHANGED : Change.CHANGED;
        }

        /** Byte arrays compare by content, so previews compare as values. */
        @Override
        public boolean equals(Object o) {
            return o instanceof FileChange f && image.equals(f.image) && path.equals(f.path) && mode == f.mode
                    && hidden == f.hidden && sameBytes(before, f.before) && sameBytes(after, f.after);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(image, path, mode, hidden, before.map(Arrays::hashCode), after.map(Arrays::hashCode));
        }

        @Override
        public String toString() {
            return "FileChange[" + image + " " + path + " " + String.format("%04o", mode) + (hidden ? " hidden" : "")
                    + " " + change().word() + "]";
        }

        private static boolean sameBytes(Optional<byte[]> a, Optional<byte[]> b) {
            return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
        }
    }
}
