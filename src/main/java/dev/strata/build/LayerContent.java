package dev.strata.build;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one spec layer places in the image, before jib-core sees it: files (with their bytes) and
 * directories, each with an exact mode and a {@code uid:gid} owner. jib sorts entries by path and adds
 * missing parent folders as root 0755.
 */
public record LayerContent(String name, List<Entry> entries) {
    public LayerContent {
        entries = List.copyOf(entries);
    }

    /** A file ({@code bytes} present) or a directory (empty). */
    public record Entry(String path, Optional<byte[]> bytes, int mode, String owner) {
        public static Entry file(String path, byte[] bytes, int mode, String owner) {
            return new Entry(path, Optional.of(bytes.clone()), mode, owner);
        }

        public static Entry directory(String path, int mode, String owner) {
            return new Entry(path, Optional.empty(), mode, owner);
        }

        public boolean directory() {
            return bytes.isEmpty();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && path.equals(e.path) && mode == e.mode && owner.equals(e.owner)
                    && bytes.isPresent() == e.bytes.isPresent()
                    && (bytes.isEmpty() || Arrays.equals(bytes.get(), e.bytes.get()));
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }

        @Override
        public String toString() {
            return (directory() ? "dir " : "file ") + path + " " + String.format("%04o", mode) + " " + owner
                    + bytes.map(b -> " (" + b.length + " bytes)").orElse("");
        }
    }
}
