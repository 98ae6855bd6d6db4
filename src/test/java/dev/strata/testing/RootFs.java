package dev.strata.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks the image in an OCI layout folder (what {@code skopeo copy ... oci:DIR} writes) into a root
 * folder as a container runtime or bootc would: layer after layer, each layer's whiteouts first
 * ({@code .wh.NAME} removes NAME of the layers below, {@code .wh..wh..opq} empties its folder), then its
 * files, folders and symbolic links with their modes. Link targets are kept as written (absolute ones
 * mean the image's root, as {@code systemctl --root} reads them).
 */
public final class RootFs {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private RootFs() {
    }

    public static Path extract(Path layout, Path root) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = json.readTree(blob(layout, index.path("manifests").get(0).path("digest").asText()).toFile());
        Files.createDirectories(root);
        for (JsonNode layer : manifest.path("layers")) {
            Path tar = blob(layout, layer.path("digest").asText());
            unpack(tar, root, true);
            unpack(tar, root, false);
        }
        return root;
    }

    /** One pass over a layer: its whiteouts, or everything else. */
    private static void unpack(Path layer, Path root, boolean whiteouts) throws IOException {
        try (InputStream raw = Files.newInputStream(layer); InputStream gz = new GZIPInputStream(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String name = e.getName().replaceAll("^\\./|^/", "").replaceAll("/$", "");
                if (name.isEmpty()) continue;
                Path path = inside(root, name);
                String base = path.getFileName().toString();
                boolean whiteout = base.startsWith(WHITEOUT);
                if (whiteout != whiteouts) continue;
                if (base.equals(OPAQUE)) {
                    if (Files.isDirectory(path.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                        try (Stream<Path> children = Files.list(path.getParent())) {
                            for (Path c : children.toList()) delete(c);
                        }
                    }
                } else if (whiteout) {
                    delete(path.resolveSibling(base.substring(WHITEOUT.length())));
                } else if (e.isDirectory()) {
                    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        delete(path);
                        Files.createDirectories(path);
                    }
                    Files.setPosixFilePermissions(path, permissions(e.getMode()));
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    delete(path);
                    Files.createSymbolicLink(path, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createDirectories(path.getParent());
                    delete(path);
                    Files.copy(inside(root, e.getLinkName().replaceAll("^\\./|^/", "")), path, LinkOption.NOFOLLOW_LINKS);
                } else if (e.isFile()) {
                    Files.createDirectories(path.getParent());
                    delete(path);
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(e.getMode()));
                }
            }
        }
    }

    private static Path inside(Path root, String name) throws IOException {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) throw new IOException("layer entry " + name + " points outside the root");
        return p;
    }

    /** Deletes a root folder, its links included (never what they point to). */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(path)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        } else {
            Files.delete(path);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) if ((mode & (1 << (8 - i))) != 0) out.add(all[i]);
        return out;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':'))).resolve(digest.substring(digest.indexOf(':') + 1));
    }
}
