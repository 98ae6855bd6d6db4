package dev.strata.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * {@code bootc status --format=json --format-version=1} of a simulated host, in the shape of protocols.md
 * section 4 (the fixtures spec-staged-booted and spec-booted-with-update): every deployment an image of one
 * repository, by digest.
 */
final class BootcStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BootcStatus() {
    }

    static String json(String repository, String booted, Optional<String> staged, Optional<String> rollback) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "org.containers.bootc/v1").put("kind", "BootcHost");
        root.putObject("metadata").put("name", "host");
        ObjectNode spec = root.putObject("spec");
        spec.putObject("image").put("image", repository + "@" + staged.orElse(booted)).put("transport", "registry")
                .put("signature", "insecure");
        spec.put("bootOrder", "default");
        ObjectNode status = root.putObject("status");
        deployment(status, "staged", repository, staged);
        deployment(status, "booted", repository, Optional.of(booted));
        deployment(status, "rollback", repository, rollback);
        status.put("rollbackQueued", false).put("type", "bootcHost").putNull("usrOverlay");
        return root.toString();
    }

    private static void deployment(ObjectNode status, String field, String repository, Optional<String> digest) {
        if (digest.isEmpty()) {
            status.putNull(field);
            return;
        }
        ObjectNode d = status.putObject(field);
        ObjectNode image = d.putObject("image");
        image.putObject("image").put("image", repository + "@" + digest.get()).put("transport", "registry");
        image.put("version", "43.20260413.3.2").put("timestamp", "2026-04-13T08:00:00Z")
                .put("imageDigest", digest.get()).put("architecture", "amd64");
        d.putNull("cachedUpdate");
        d.put("incompatible", false).put("pinned", false).put("downloadOnly", false);
        d.putObject("ostree").put("checksum", digest.get().substring(7)).put("deploySerial", 0).put("stateroot", "default");
    }
}
