package dev.strata.testing;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tiny image for tests: one layer holding {@code /etc/strata-test} with {@code content}, some labels,
 * and one or more platforms (several make an index). The same values always give the same digest.
 */
public record SyntheticImage(String content, Map<String, String> labels, List<String> platforms) {
    private static final Object SYSTEM_PROPERTY = new Object();

    public SyntheticImage {
        labels = Map.copyOf(labels);
        platforms = List.copyOf(platforms);
    }

    public static SyntheticImage of(String content) {
        return new SyntheticImage(content, Map.of(), List.of("linux/amd64"));
    }

    public SyntheticImage withLabel(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(labels);
        more.put(key, value);
        return new SyntheticImage(content, more, platforms);
    }

    /** {@code os/architecture} values, e.g. {@code linux/amd64}, {@code linux/arm64}. */
    public SyntheticImage withPlatforms(String... osSlashArch) {
        return new SyntheticImage(content, labels, List.of(osSlashArch));
    }

    /** Pushes to {@code reference} over plain HTTP with jib-core; returns the manifest digest. */
    String push(String reference, Optional<TestRegistry.Login> login, Path cache) throws Exception {
        Path file = Files.createTempFile("strata-layer-", ".txt");
        try {
            Files.writeString(file, content);
            Set<Platform> targets = new LinkedHashSet<>();
            for (String p : platforms) targets.add(new Platform(p.substring(p.indexOf('/') + 1), p.substring(0, p.indexOf('/'))));
            JibContainerBuilder image = Jib.fromScratch()
                    .setPlatforms(targets)
                    .setCreationTime(Instant.EPOCH)
                    .setLabels(labels)
                    .addFileEntriesLayer(FileEntriesLayer.builder().addEntry(new FileEntry(file,
                            AbsoluteUnixPath.get("/etc/strata-test"), FilePermissions.fromOctalString("644"),
                            Instant.EPOCH, "0:0")).build());
            RegistryImage target = RegistryImage.named(reference);
            login.ifPresent(l -> target.addCredential(l.user(), l.password()));
            Containerizer to = Containerizer.to(target)
                    .setAllowInsecureRegistries(true)
                    .setToolName("strata-test").setToolVersion("1")
                    .setBaseImageLayersCache(cache.resolve("base"))
                    .setApplicationLayersCache(cache.resolve("application"));
            if (login.isEmpty()) return image.containerize(to).getDigest().toString();
            // jib sends credentials over plain HTTP only when this property says so; it is read during the push.
            synchronized (SYSTEM_PROPERTY) {
                String before = System.getProperty("sendCredentialsOverHttp");
                System.setProperty("sendCredentialsOverHttp", "true");
                try {
                    return image.containerize(to).getDigest().toString();
                } finally {
                    if (before == null) System.clearProperty("sendCredentialsOverHttp");
                    else System.setProperty("sendCredentialsOverHttp", before);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
