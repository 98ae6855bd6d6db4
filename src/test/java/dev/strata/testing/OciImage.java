package dev.strata.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/** An image as an OCI image layout folder holds it (what {@code skopeo copy ... oci:DIR} writes), read back. */
public record OciImage(Map<String, String> labels, Instant created, List<List<Entry>> layers) {
    /** One tar entry: path without the leading slash, as written. */
    public record Entry(String path, boolean directory, int mode, int uid, int gid, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        public String modeOctal() {
            return String.format("%04o", mode & 07777);
        }

        public String owner() {
            return uid + ":" + gid;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The only image in an OCI layout folder. */
    public static OciImage read(Path layout) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").get(0).path("digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(layout, manifest.path("config").path("digest").asText()).toFile());
        Map<String, String> labels = new TreeMap<>();
        config.path("config").path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        List<List<Entry>> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) layers.add(entries(blob(layout, l.path("digest").asText())));
        return new OciImage(labels, OffsetDateTime.parse(config.path("created").asText()).toInstant(), layers);
    }

    /** Every entry of every layer by path; a later layer's entry wins. */
    public Map<String, Entry> files() {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (List<Entry> layer : layers) for (Entry e : layer) out.put(e.path(), e);
        return out;
    }

    /** The entries of the last {@code n} layers: the ones a derived build added. */
    public Map<String, Entry> lastLayers(int n) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (List<Entry> layer : layers.subList(layers.size() - n, layers.size())) for (Entry e : layer) out.put(e.path(), e);
        return out;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':'))).resolve(digest.substring(digest.indexOf(':') + 1));
    }

    private static List<Entry> entries(Path blob) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(blob); InputStream gz = new GZIPInputStream(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String path = e.getName().replaceAll("^\\./|^/", "").replaceAll("/$", "");
                out.add(new Entry(path, e.isDirectory(), e.getMode(), (int) e.getLongUserId(), (int) e.getLongGroupId(),
                        e.isDirectory() ? new byte[0] : tar.readAllBytes()));
            }
        }
        return out;
    }
}
