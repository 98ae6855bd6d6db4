package dev.strata.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer image written by hand as an OCI image layout and copied into a registry with skopeo: unlike
 * jib, it can hold symbolic links, as a real Fedora CoreOS base does ({@code systemctl enable} makes links
 * in {@code <target>.wants/}). Entries are written in the order given; give parent folders first.
 */
public final class LayoutImage {
    private record Entry(String path, char type, String content, int mode) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> labels;
    private final Instant created;

    public LayoutImage(Map<String, String> labels, Instant created) {
        this.labels = new java.util.TreeMap<>(labels);
        this.created = created;
    }

    public LayoutImage directory(String path) {
        entries.add(new Entry(path, 'd', "", 0755));
        return this;
    }

    public LayoutImage file(String path, String content) {
        entries.add(new Entry(path, 'f', content, 0644));
        return this;
    }

    public LayoutImage symlink(String path, String target) {
        entries.add(new Entry(path, 'l', target, 0777));
        return this;
    }

    /** Writes the layout under {@code dir}, copies it to {@code repository:tag} in {@code registry}; returns the manifest digest. */
    public String push(TestRegistry registry, String repositoryAndTag, Path dir) throws IOException, InterruptedException {
        Path layout = Files.createDirectories(dir.resolve("layout"));
        byte[] tar = tar();
        byte[] layer = gzip(tar);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("created", created.toString()).put("architecture", "amd64").put("os", "linux");
        ObjectNode labelNode = config.putObject("config").putObject("Labels");
        labels.forEach(labelNode::put);
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        rootfs.putArray("diff_ids").add(digest(tar));
        config.putArray("history").addObject().put("created", created.toString()).put("created_by", "LayoutImage (test)");
        byte[] configBytes = json.writeValueAsBytes(config);
        ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", blob(layout, configBytes)).put("size", configBytes.length);
        manifest.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
                .put("digest", blob(layout, layer)).put("size", layer.length);
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        ObjectNode index = json.createObjectNode().put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", blob(layout, manifestBytes)).put("size", manifestBytes.length)
                .putObject("annotations").put("org.opencontainers.image.ref.name", "image");
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Path digestFile = dir.resolve("digest");
        List<String> command = List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--digestfile",
                digestFile.toString(), "oci:" + layout + ":image", "docker://" + registry.reference(repositoryAndTag));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        return Files.readString(digestFile).strip();
    }

    private byte[] tar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry t = switch (e.type()) {
                    case 'd' -> new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR);
                    case 'l' -> new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
                    default -> new TarArchiveEntry(e.path());
                };
                byte[] content = e.content().getBytes(StandardCharsets.UTF_8);
                if (e.type() == 'l') t.setLinkName(e.content());
                if (e.type() == 'f') t.setSize(content.length);
                t.setMode((e.type() == 'd' ? 040000 : e.type() == 'l' ? 0120000 : 0100000) | e.mode());
                t.setModTime(created.toEpochMilli());
                tar.putArchiveEntry(t);
                if (e.type() == 'f') tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String blob(Path layout, byte[] content) throws IOException {
        String digest = digest(content);
        Path file = layout.resolve("blobs").resolve("sha256").resolve(digest.substring(7));
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return digest;
    }

    private static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
