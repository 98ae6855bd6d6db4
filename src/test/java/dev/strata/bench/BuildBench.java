package dev.strata.bench;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A helper for scripts/bench-build, run with target/strata.jar (which holds jib-core) and
 * target/test-classes on the class path:
 * <pre>
 *   java -cp target/strata.jar:target/test-classes dev.strata.bench.BuildBench base REFERENCE DIR LAYERS MIB_PER_LAYER SEED
 * </pre>
 * pushes a synthetic Fedora CoreOS-like base of LAYERS layers of incompressible random data (a fixed
 * seed) and prints its manifest digest. The byte-counting relay is {@code dev.strata.testing.CountingProxy}.
 */
public final class BuildBench {
    private BuildBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "base" -> System.out.println(base(args[1], Path.of(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5])));
            default -> {
                System.err.println("usage: BuildBench base REFERENCE DIR LAYERS MIB SEED");
                System.exit(64);
            }
        }
    }

    // ---- base

    static String base(String reference, Path dir, int layers, int mibPerLayer, long seed) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        String kernel = "6.17.7-300.fc43.x86_64";
        String version = "43.20261110.3.0";
        Path osRelease = Files.writeString(dir.resolve("os-release"), "NAME=\"Fedora Linux\"\nID=fedora\nVARIANT_ID=coreos\n"
                + "VERSION_ID=43\nOSTREE_VERSION='" + version + "'\n");
        Path unit = Files.writeString(dir.resolve("zincati.service"),
                "[Unit]\nDescription=Zincati\n[Install]\nWantedBy=multi-user.target\n");
        JibContainerBuilder image = Jib.fromScratch().setFormat(ImageFormat.OCI)
                .setCreationTime(Instant.parse("2026-11-10T00:00:00Z"))
                .setLabels(new TreeMap<>(java.util.Map.of("containers.bootc", "1", "ostree.bootable", "1",
                        "org.opencontainers.image.version", version, "com.coreos.stream", "stable",
                        "com.coreos.osname", "fedora-coreos", "ostree.linux", kernel)));
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < layers; i++) {
            Path data = dir.resolve(String.format("layer-%02d.bin", i));
            try (OutputStream out = Files.newOutputStream(data)) {
                for (int m = 0; m < mibPerLayer; m++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("ostree-" + i)
                    .addEntry(entry(data, String.format("/usr/share/bench/layer-%02d.bin", i)));
            if (i == 0) {
                layer.addEntry(entry(osRelease, "/usr/lib/os-release"))
                        .addEntry(entry(osRelease, "/usr/lib/modules/" + kernel + "/vmlinuz"))
                        .addEntry(entry(unit, "/usr/lib/systemd/system/zincati.service"))
                        .addEntry(entry(unit, "/etc/systemd/system/multi-user.target.wants/zincati.service"));
            }
            image.addFileEntriesLayer(layer.build());
        }
        Containerizer to = Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true)
                .setToolName("fcos-like").setToolVersion("1")
                .setBaseImageLayersCache(dir.resolve("cache-base"))
                .setApplicationLayersCache(dir.resolve("cache-app"));
        return image.containerize(to).getDigest().toString();
    }

    private static FileEntry entry(Path source, String path) {
        return new FileEntry(source, AbsoluteUnixPath.get(path), FilePermissions.fromOctalString("644"),
                Instant.EPOCH.plusSeconds(1), "0:0");
    }
}
