package dev.strata.build;

import dev.strata.spec.Image;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The labels a derived image gets on top of its base's (which jib-core keeps: {@code containers.bootc},
 * {@code ostree.bootable}, {@code com.coreos.stream}, ...), following protocols.md section 5. The spec's
 * own labels come last and win.
 */
public final class Labels {
    public static final String IMAGE = "dev.strata.image";
    public static final String INPUTS = "dev.strata.inputs";
    public static final String VERSION = "org.opencontainers.image.version";
    /** The update stream Zincati reads from the booted image and rebases to as a tag (protocols.md section 2). */
    public static final String COREOS_STREAM = "com.coreos.stream";
    public static final String CREATED = "org.opencontainers.image.created";
    private static final String OCI = "org.opencontainers.image.";
    private static final String STRATA_VERSION = ".strata.";

    private Labels() {
    }

    static Map<String, String> of(Image spec, String inputsDigest, String baseName, String baseDigest,
                                  Optional<String> baseVersion, Instant created, String revision, Optional<String> source) {
        Map<String, String> labels = new TreeMap<>();
        source.ifPresent(s -> labels.put(OCI + "source", s));
        labels.put(OCI + "revision", revision);
        labels.put(OCI + "created", DateTimeFormatter.ISO_INSTANT.format(created));
        labels.put(OCI + "title", spec.name());
        labels.put(VERSION, version(baseVersion, inputsDigest));
        labels.put(OCI + "base.name", baseName);
        labels.put(OCI + "base.digest", baseDigest);
        labels.put(IMAGE, spec.name());
        labels.put(INPUTS, inputsDigest);
        labels.putAll(spec.labels());
        return labels;
    }

    /**
     * {@code <base version>.strata.<first 12 hex of the inputs digest>}: unique to each build, and still
     * read as the OS version it is built on. A base that is itself a Strata build contributes its own base version.
     */
    static String version(Optional<String> baseVersion, String inputsDigest) {
        return osVersion(baseVersion).orElse("0") + STRATA_VERSION + hex(inputsDigest).substring(0, 12);
    }

    /** The OS version in a version label: a Strata build's label without its {@code .strata.} suffix. */
    static Optional<String> osVersion(Optional<String> versionLabel) {
        return versionLabel.map(v -> v.contains(STRATA_VERSION) ? v.substring(0, v.indexOf(STRATA_VERSION)) : v)
                .filter(v -> !v.isBlank() && !v.equals("0"));
    }

    static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /**
     * A zincati group's image: Zincati needs {@code com.coreos.stream} (the base's, else the Strata stream's
     * tag or name) and checks the staged image's version against the graph's, so Strata's version label
     * wins over the spec's here.
     */
    static void forZincati(Map<String, String> labels, Map<String, String> baseLabels, String fallbackStream,
                           Optional<String> baseVersion, String inputsDigest) {
        String stream = Optional.ofNullable(baseLabels.get(COREOS_STREAM)).filter(v -> !v.isBlank()).orElse(fallbackStream);
        labels.put(COREOS_STREAM, stream);
        labels.put(VERSION, version(baseVersion, inputsDigest));
    }

    /** The tag a republished build gets: its inputs tag and the earliest created time it was given. */
    public static String republishTag(String inputsDigest, Instant notBefore) {
        return inputsTag(inputsDigest) + "-r" + notBefore.getEpochSecond();
    }

    /** The tag that names an image's build of some inputs: {@code inputs-<first 32 hex>}. */
    public static String inputsTag(String inputsDigest) {
        return "inputs-" + hex(inputsDigest).substring(0, 32);
    }
}
