package dev.strata.plan;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Releases of zincati groups only move forward (docs/zincati.md): Zincati refuses a target with a lower
 * age index and keeps every deployment it booted before on a deny list, and rpm-ostree refuses an
 * image older than the booted one. So a build that was released before and superseded, or one older
 * than the newest release, is published again as a new build (a republish) before machines go to it.
 */
public final class Releases {
    /** Zincati's own default, and the basearch of a build made from an amd64 (or single-arch) base. */
    public static final String DEFAULT_BASEARCH = "x86_64";

    private Releases() {
    }

    public static boolean zincati(MachineGroup g) {
        return g.delivery() == MachineGroup.Delivery.ZINCATI;
    }

    public static Optional<Release> newest(List<Release> releases) {
        return releases.stream().max(Comparator.comparingLong(Release::ageIndex));
    }

    /** The newest release of {@code digest}: a digest is released once, but look from the top all the same. */
    public static Optional<Release> ofDigest(List<Release> releases, String digest) {
        return releases.stream().filter(r -> r.imageDigest().equals(digest)).max(Comparator.comparingLong(Release::ageIndex));
    }

    /**
     * Whether moving the group's machines to {@code build} needs a republish first: it is an older release
     * than the newest, or it was never released but its image is not newer than the newest release's.
     * A digest the group rejected is never republished: it is never offered again.
     */
    public static boolean needsRepublish(Build build, List<Release> releases, Set<String> rejected) {
        Optional<Release> newest = newest(releases);
        if (newest.isEmpty() || rejected.contains(build.imageDigest())) return false;
        if (newest.get().imageDigest().equals(build.imageDigest())) return false;
        if (ofDigest(releases, build.imageDigest()).isPresent()) return true;
        return build.created().map(c -> !c.isAfter(newest.get().created())).orElse(false);
    }

    /** The created time a republished image must not be older than: a second after the newest release's. */
    public static Instant notBefore(List<Release> releases) {
        return newest(releases).map(r -> r.created().plus(Duration.ofSeconds(1))).orElse(Instant.EPOCH);
    }

    /**
     * The republish of {@code build} for {@code g}: the same content, created no earlier than
     * {@link #notBefore}, with a version that says so.
     */
    public static Action.BuildImage republish(MachineGroup g, Build build, List<Release> releases, String why) {
        Instant notBefore = notBefore(releases);
        String version = build.version().orElse(build.baseVersion().orElse("0") + ".strata." + hex12(build.inputsDigest()))
                .replaceAll("\\.r\\d+$", "") + ".r" + notBefore.getEpochSecond();
        Release newest = newest(releases).orElseThrow();
        return new Action.BuildImage(build.image(), build.inputsDigest(), Action.BuildCause.REPUBLISH, List.of(),
                why + "; Zincati refuses downgrades, so " + BuildPlanner.short12(build.imageDigest())
                        + " is published again as " + version + ", after release " + newest.version() + " (age "
                        + newest.ageIndex() + ")",
                Optional.of(new Action.Republish(g.name(), build.imageDigest(), build.reference(), notBefore, version)));
    }

    /**
     * The next release of {@code g}: {@code build}, with the barrier and dead-end flags its base version
     * gets from the stream at the root of the image's chain.
     */
    public static Release next(MachineGroup g, Build build, List<Release> releases, FleetSpec fleet, Instant now) {
        long age = newest(releases).map(r -> r.ageIndex() + 1).orElse(1L);
        Optional<Stream> stream = rootStream(fleet, g.image());
        Optional<String> base = build.baseVersion();
        Optional<String> barrier = base.filter(v -> stream.map(s -> s.barriers().contains(v)).orElse(false))
                .map(v -> "base " + v + " is an update barrier of stream " + stream.get().name());
        Optional<String> deadEnd = base.filter(v -> stream.map(s -> s.deadEnds().contains(v)).orElse(false))
                .map(v -> "base " + v + " is a dead end of stream " + stream.get().name());
        String version = build.version().orElse(build.baseVersion().orElse("0") + ".strata." + hex12(build.inputsDigest()));
        return new Release(g.name(), age, version, build.image(), build.inputsDigest(), build.imageDigest(),
                payloads(build), build.created().orElse(build.builtAt()), now, barrier, deadEnd);
    }

    /**
     * A release's payload per Zincati basearch: the build's reference, or for a multi-arch build each
     * platform's manifest in the build's repository (linux/amd64 as x86_64, linux/arm64 as aarch64, ...).
     */
    static Map<String, String> payloads(Build build) {
        if (build.platforms().isEmpty() || build.repository().isEmpty()) return Map.of(DEFAULT_BASEARCH, build.reference());
        Map<String, String> out = new java.util.TreeMap<>();
        build.platforms().forEach((platform, digest) -> basearch(platform)
                .ifPresent(arch -> out.putIfAbsent(arch, build.repository().get() + "@" + digest)));
        return out;
    }

    /** Zincati's basearch (the RPM architecture) of an OCI platform; empty for one Fedora CoreOS does not ship. */
    public static Optional<String> basearch(String platform) {
        String[] p = platform.split("/");
        if (p.length < 2 || !p[0].equals("linux")) return Optional.empty();
        return Optional.ofNullable(switch (p[1]) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> null;
        });
    }

    /** The OCI platform of a Zincati basearch, the inverse of {@link #basearch}; empty for an unknown one. */
    public static Optional<String> platformOf(String basearch) {
        return Optional.ofNullable(switch (basearch) {
            case "x86_64" -> "linux/amd64";
            case "aarch64" -> "linux/arm64";
            case "ppc64le" -> "linux/ppc64le";
            case "s390x" -> "linux/s390x";
            case "riscv64" -> "linux/riscv64";
            default -> null;
        });
    }

    /** The stream at the root of an image's chain (through images built on images), if any. */
    public static Optional<Stream> rootStream(FleetSpec fleet, String image) {
        Set<String> seen = new HashSet<>();
        Optional<Image> cur = fleet.image(image);
        while (cur.isPresent() && seen.add(cur.get().name())) {
            ImageSource from = cur.get().from();
            if (from instanceof ImageSource.FromStream s) return fleet.stream(s.stream());
            cur = from instanceof ImageSource.FromImage i ? fleet.image(i.image()) : Optional.empty();
        }
        return Optional.empty();
    }

    private static String hex12(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
