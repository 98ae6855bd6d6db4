package dev.strata.plan;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The manifests of multi-arch builds by platform. A group's target is an image digest (for a multi-arch
 * image, its index); a machine boots, and is released for, its own platform's manifest of it. These
 * answer "is this machine on that image" for either digest. Single-platform builds are absent: their one
 * digest is what every machine boots.
 */
public final class PlatformDigests {
    private final Map<String, Map<String, String>> byImage = new HashMap<>();
    private final Map<String, String> imageOfManifest = new HashMap<>();

    private PlatformDigests() {
    }

    public static PlatformDigests of(Collection<Build> builds) {
        PlatformDigests out = new PlatformDigests();
        for (Build b : builds) {
            if (b.platforms().isEmpty()) continue;
            out.byImage.put(b.imageDigest(), b.platforms());
            for (String manifest : b.platforms().values()) out.imageOfManifest.put(manifest, b.imageDigest());
        }
        return out;
    }

    /**
     * The digest a machine of {@code platform} is given for image {@code digest}: its platform's manifest of a
     * multi-arch build, else the digest itself. Empty when the index has no manifest for the platform.
     */
    public Optional<String> forPlatform(String digest, String platform) {
        Map<String, String> platforms = byImage.get(digest);
        return platforms == null ? Optional.of(digest) : Optional.ofNullable(platforms.get(platform));
    }

    /** Whether {@code actual} (booted, or released for) is image {@code digest} as a machine of {@code platform} has it. */
    public boolean same(String actual, String digest, String platform) {
        return actual.equals(digest) || forPlatform(digest, platform).filter(actual::equals).isPresent();
    }

    /** The image digest a platform manifest belongs to; any other digest as it is. */
    public String image(String digest) {
        return imageOfManifest.getOrDefault(digest, digest);
    }
}
