package dev.strata.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Status documents in the shapes of the protocol notes (section 4): {@code bootc status --format=json
 * --format-version=1} with its v1 fields, and {@code rpm-ostree status --json} with the deployment keys
 * Zincati's fixtures show. {@code null} digests leave that deployment out.
 */
public final class StatusDocs {
    private StatusDocs() {
    }

    public static byte[] bootc(String booted, String staged, String rollback) {
        return ("{\"apiVersion\":\"org.containers.bootc/v1\",\"kind\":\"BootcHost\",\"metadata\":{\"name\":\"host\"},"
                + "\"spec\":{\"image\":{\"image\":\"registry.test/fleet/app@" + booted + "\",\"transport\":\"registry\","
                + "\"signature\":\"insecure\"},\"bootOrder\":\"default\"},"
                + "\"status\":{\"staged\":" + bootcEntry(staged, 1) + ",\"booted\":" + bootcEntry(booted, 0)
                + ",\"rollback\":" + bootcEntry(rollback, 2) + ",\"rollbackQueued\":false,\"type\":\"bootcHost\","
                + "\"usrOverlay\":null}}").getBytes(StandardCharsets.UTF_8);
    }

    private static String bootcEntry(String digest, int serial) {
        if (digest == null) return "null";
        return "{\"image\":{\"image\":{\"image\":\"registry.test/fleet/app@" + digest + "\",\"transport\":\"registry\"},"
                + "\"version\":\"43.20261101.3.0\",\"timestamp\":\"2026-11-01T19:22:15Z\",\"imageDigest\":\"" + digest + "\","
                + "\"architecture\":\"amd64\"},\"cachedUpdate\":null,\"incompatible\":false,\"pinned\":false,"
                + "\"downloadOnly\":false,\"softRebootCapable\":false,"
                + "\"ostree\":{\"checksum\":\"3c6dad" + "0".repeat(58) + "\",\"deploySerial\":" + serial
                + ",\"stateroot\":\"default\"}}";
    }

    /** Deployments in rpm-ostree's order: staged first, then booted, then the rollback. */
    public static byte[] rpmOstree(String booted, String staged, String rollback) {
        List<String> deployments = new ArrayList<>();
        if (staged != null) deployments.add(rpmEntry(staged, false, true));
        deployments.add(rpmEntry(booted, true, false));
        if (rollback != null) deployments.add(rpmEntry(rollback, false, false));
        return ("{\"deployments\":[" + String.join(",", deployments) + "],\"transaction\":null,\"cached-update\":null,"
                + "\"update-driver\":{\"driver-name\":\"Zincati\",\"driver-sd-unit\":\"zincati.service\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String rpmEntry(String digest, boolean booted, boolean staged) {
        return "{\"id\":\"fedora-coreos-" + digest.substring(7, 15) + ".0\",\"osname\":\"fedora-coreos\",\"booted\":" + booted
                + ",\"staged\":" + staged + ",\"pinned\":false,\"checksum\":\"" + digest.substring(7) + "\","
                + "\"timestamp\":1762000000,\"serial\":0,\"version\":\"43.20261101.3.0\","
                + "\"container-image-reference\":\"ostree-image-signed:docker://registry.test/fleet/edge\","
                + "\"container-image-reference-digest\":\"" + digest + "\","
                + "\"base-commit-meta\":{\"ostree.manifest-digest\":\"" + digest + "\",\"ostree.importer.version\":\"0.15.3\"},"
                + "\"requested-packages\":[],\"packages\":[]}";
    }
}
