package dev.strata.testing;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A small image that looks like Fedora CoreOS to a build: os-release, a kernel under
 * /usr/lib/modules/VERSION, a unit enabled the way {@code systemctl enable} would (a file stands in for
 * the link, which jib cannot write; systemd ignores it), the bootc and FCOS labels, and a created time in
 * the past. {@code payloadLayers} more layers of {@code payloadBytes} random bytes each (a fixed seed) give it
 * weight, for tests that must see whether a base layer was moved.
 */
public record FcosLikeBase(String version, String kernel, Instant created, int payloadLayers, int payloadBytes) {
    public static final String ENABLED_UNIT = "zincati.service";

    public static FcosLikeBase of(String version, Instant created) {
        return new FcosLikeBase(version, "6.17.7-300.fc43.x86_64", created, 0, 0);
    }

    /** The same base with {@code layers} more layers of {@code bytes} incompressible bytes each. */
    public FcosLikeBase withPayload(int layers, int bytes) {
        return new FcosLikeBase(version, kernel, created, layers, bytes);
    }

    /** Sorted: jib writes labels in map order, and Map.of's order changes from one JVM to the next. */
    public Map<String, String> labels() {
        return new java.util.TreeMap<>(Map.of("containers.bootc", "1", "ostree.bootable", "1", "org.opencontainers.image.version", version,
                "com.coreos.stream", "stable", "com.coreos.osname", "fedora-coreos"));
    }

    /** Pushes it to {@code repository:tag} in {@code registry} (with its login, if any); returns the manifest digest. */
    public String push(TestRegistry registry, String repositoryAndTag) throws Exception {
        Path dir = registry.scratch();
        Path osRelease = Files.writeString(dir.resolve("os-release"), "NAME=\"Fedora Linux\"\nID=fedora\nVARIANT_ID=coreos\n"
                + "VERSION_ID=43\nOSTREE_VERSION='" + version + "'\n");
        Path vmlinuz = Files.writeString(dir.resolve("vmlinuz"), "not a kernel: " + kernel + "\n");
        Path unit = Files.writeString(dir.resolve("zincati.service"), "[Unit]\nDescription=Zincati\n[Install]\nWantedBy=multi-user.target\n");
        FileEntriesLayer os = FileEntriesLayer.builder().setName("os")
                .addEntry(entry(osRelease, "/usr/lib/os-release"))
                .addEntry(entry(vmlinuz, "/usr/lib/modules/" + kernel + "/vmlinuz"))
                .addEntry(entry(unit, "/usr/lib/systemd/system/" + ENABLED_UNIT))
                .addEntry(entry(unit, "/etc/systemd/system/multi-user.target.wants/" + ENABLED_UNIT))
                .build();
        RegistryImage target = RegistryImage.named(registry.reference(repositoryAndTag));
        registry.login().ifPresent(l -> target.addCredential(l.user(), l.password()));
        Containerizer to = Containerizer.to(target)
                .setAllowInsecureRegistries(true)
                .setToolName("fcos-like").setToolVersion("1")
                .setBaseImageLayersCache(dir.resolve("cache-base"))
                .setApplicationLayersCache(dir.resolve("cache-app"));
        var image = Jib.fromScratch().setFormat(ImageFormat.OCI).setCreationTime(created).setLabels(labels())
                .addFileEntriesLayer(os);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < payloadLayers; i++) {
            byte[] data = new byte[payloadBytes];
            random.nextBytes(data);
            Path file = Files.write(dir.resolve("payload-" + i), data);
            image.addFileEntriesLayer(FileEntriesLayer.builder().setName("payload-" + i)
                    .addEntry(entry(file, "/usr/share/payload/" + i + ".bin")).build());
        }
        if (registry.login().isEmpty()) return image.containerize(to).getDigest().toString();
        // jib sends credentials over plain HTTP only while this JVM-wide property is set.
        synchronized (FcosLikeBase.class) {
            String before = System.getProperty("sendCredentialsOverHttp");
            System.setProperty("sendCredentialsOverHttp", "true");
            try {
                return image.containerize(to).getDigest().toString();
            } finally {
                if (before == null) System.clearProperty("sendCredentialsOverHttp");
                else System.setProperty("sendCredentialsOverHttp", before);
            }
        }
    }

    private static FileEntry entry(Path source, String path) {
        return new FileEntry(source, AbsoluteUnixPath.get(path), FilePermissions.fromOctalString("644"),
                Instant.EPOCH.plusSeconds(1), "0:0");
    }
}
