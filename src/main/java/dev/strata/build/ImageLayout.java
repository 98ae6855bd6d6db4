package dev.strata.build;

import dev.strata.inputs.AgentLayer;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns an Image's spec layers into the files and folders a build writes (docs/build.md). jib-core
 * cannot write symlinks (jib issue #2275), so systemd unit states are written as plain files:
 * <ul>
 *   <li>enable: a drop-in {@code /etc/systemd/system/<target>.d/strata-enable-<unit>.conf} with
 *   {@code [Unit] Wants=<unit>} for each install target, which is the dependency the
 *   {@code <target>.wants/<unit>} link {@code systemctl enable} makes would add;</li>
 *   <li>mask: an empty {@code /etc/systemd/system/<unit>} (systemd treats a zero-length unit file as masked);</li>
 *   <li>disable: an OCI whiteout {@code /etc/systemd/system/<target>.wants/.wh.<unit>} removing the link
 *   the base's {@code systemctl enable} made.</li>
 * </ul>
 * A unit's install targets are the {@code WantedBy=} of its [Install] section when the image carries the
 * unit file, and otherwise the target systemd's own units of that type use: {@code timers.target},
 * {@code sockets.target}, {@code paths.target}, else {@code multi-user.target}.
 * Kernel arguments become a bootc {@code kargs.d} TOML file per layer.
 */
public final class ImageLayout {
    static final int FILE_MODE = 0644;
    static final String ROOT = "0:0";
    static final String UNIT_DIR = "/etc/systemd/system/";
    static final String KARGS_DIR = "/usr/lib/bootc/kargs.d/";
    private static final List<String> UNIT_SEARCH = List.of("/etc/systemd/system/", "/usr/lib/systemd/system/",
            "/usr/local/lib/systemd/system/");

    /** The bytes a file entry carries (inline, or read from the repository). */
    @FunctionalInterface
    public interface FileBytes {
        byte[] read(Image image, Layer.FileEntry file) throws IOException;
    }

    private ImageLayout() {
    }

    public static List<LayerContent> of(Image image, FileBytes files) throws IOException {
        List<LayerContent> out = new ArrayList<>();
        int index = 0;
        for (Layer layer : image.layers()) {
            index++;
            List<LayerContent.Entry> entries = new ArrayList<>();
            for (Layer.DirectoryEntry d : layer.directories()) {
                entries.add(LayerContent.Entry.directory(d.path(), d.mode(), d.owner()));
            }
            for (Layer.FileEntry f : layer.files()) {
                entries.add(LayerContent.Entry.file(f.path(), files.read(image, f), f.mode(), f.owner()));
            }
            for (String unit : layer.systemd().enable()) {
                for (String target : installTargets(image, unit, files)) {
                    entries.add(LayerContent.Entry.file(UNIT_DIR + target + ".d/strata-enable-" + unit + ".conf",
                            enableDropIn(unit, target), FILE_MODE, ROOT));
                }
            }
            for (String unit : layer.systemd().disable()) {
                for (String target : installTargets(image, unit, files)) {
                    entries.add(LayerContent.Entry.file(UNIT_DIR + target + ".wants/.wh." + unit, new byte[0],
                            FILE_MODE, ROOT));
                }
            }
            for (String unit : layer.systemd().mask()) {
                entries.add(LayerContent.Entry.file(UNIT_DIR + unit, new byte[0], FILE_MODE, ROOT));
            }
            if (!layer.kernelArguments().isEmpty()) {
                entries.add(LayerContent.Entry.file(kargsPath(image.name(), index, layer.name()),
                        kargsToml(layer.kernelArguments()), FILE_MODE, ROOT));
            }
            out.add(new LayerContent(layer.name() == null || layer.name().isBlank() ? "layer-" + index : layer.name(),
                    entries));
        }
        return out;
    }

    /** The host agent's layer ({@link AgentLayer}), added after the spec's layers: root-owned files. */
    public static LayerContent agent(AgentLayer agent) {
        List<LayerContent.Entry> entries = new ArrayList<>();
        for (AgentLayer.File f : agent.files()) entries.add(LayerContent.Entry.file(f.path(), f.bytes(), f.mode(), ROOT));
        return new LayerContent(AgentLayer.NAME, entries);
    }

    static String kargsPath(String image, int index, String layer) {
        String suffix = layer == null || layer.isBlank() ? "" : "-" + layer;
        return KARGS_DIR + "strata-" + image + "-" + String.format(Locale.ROOT, "%02d", index) + suffix + ".toml";
    }

    static byte[] enableDropIn(String unit, String target) {
        return ("# Written by Strata: enables " + unit + " as 'systemctl enable' would, by a link in "
                + target + ".wants/.\n[Unit]\nWants=" + unit + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code kargs = ["a", "b"]}: TOML basic strings, escaped. */
    static byte[] kargsToml(List<String> kargs) {
        StringBuilder b = new StringBuilder("# Written by Strata: kernel arguments bootc applies (kargs.d).\nkargs = [");
        for (int i = 0; i < kargs.size(); i++) {
            if (i > 0) b.append(", ");
            b.append('"');
            for (char c : kargs.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20 || c == 0x7f) b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                        else b.append(c);
                    }
                }
            }
            b.append('"');
        }
        return b.append("]\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The targets {@code unit} is installed into: its own WantedBy= when the image carries it, else by type. */
    static Set<String> installTargets(Image image, String unit, FileBytes files) throws IOException {
        for (Layer layer : image.layers()) {
            for (Layer.FileEntry f : layer.files()) {
                if (UNIT_SEARCH.stream().anyMatch(dir -> f.path().equals(dir + unit))) {
                    Set<String> wanted = wantedBy(new String(files.read(image, f), StandardCharsets.UTF_8));
                    if (!wanted.isEmpty()) return wanted;
                }
            }
        }
        return Set.of(defaultTarget(unit));
    }

    static String defaultTarget(String unit) {
        if (unit.endsWith(".timer")) return "timers.target";
        if (unit.endsWith(".socket")) return "sockets.target";
        if (unit.endsWith(".path")) return "paths.target";
        return "multi-user.target";
    }

    /** The WantedBy= targets of a unit file's [Install] section, in order. */
    static Set<String> wantedBy(String unitFile) {
        Set<String> out = new LinkedHashSet<>();
        boolean install = false;
        for (String raw : unitFile.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                install = line.equals("[Install]");
            } else if (install && line.startsWith("WantedBy=")) {
                String value = line.substring("WantedBy=".length()).strip();
                if (value.isEmpty()) out.clear();
                for (String t : value.split("\\s+")) if (!t.isEmpty()) out.add(t);
            }
        }
        return out;
    }
}
