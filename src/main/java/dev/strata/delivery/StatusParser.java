package dev.strata.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the two status documents the agent and Zincati hosts send (docs/delivery.md): {@code bootc status
 * --format=json --format-version=1} ({@code status.booted|staged|rollback.image.imageDigest}) and
 * {@code rpm-ostree status --json} ({@code deployments[]} with {@code booted}/{@code staged} flags and
 * {@code container-image-reference-digest}; the first deployment neither booted nor staged is the rollback).
 * Fields it does not use are ignored, since both tools add fields over time; the fields it uses must have
 * the right shape, and a wrong one is named in the error.
 */
final class StatusParser {
    static final int MAX_BYTES = 1 << 20;
    private static final int MAX_DEPLOYMENTS = 64;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(MAX_BYTES)
                    .maxNumberLength(100).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A body that is not a status document; the message names the field and says what was expected. */
    static final class InvalidStatusException extends Exception {
        InvalidStatusException(String message) {
            super(message);
        }
    }

    private StatusParser() {
    }

    static StatusReport parse(byte[] body) throws InvalidStatusException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new InvalidStatusException("body is not valid JSON: " + firstLine(e.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidStatusException("body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) throw new InvalidStatusException("body is empty; send a status document");
        if (!root.isObject()) throw new InvalidStatusException("body: expected a JSON object, got " + type(root));
        if (root.has("deployments")) return rpmOstree(root);
        if (root.has("status") || root.has("kind")) return bootc(root);
        throw new InvalidStatusException("body is neither bootc status (kind BootcHost, from 'bootc status --format=json"
                + " --format-version=1') nor rpm-ostree status (deployments, from 'rpm-ostree status --json')");
    }

    private static StatusReport bootc(JsonNode root) throws InvalidStatusException {
        JsonNode kind = root.get("kind");
        if (kind == null || !kind.isTextual() || !kind.asText().equals("BootcHost")) {
            throw new InvalidStatusException("kind: expected \"BootcHost\" in bootc status, got " + type(kind));
        }
        JsonNode api = root.get("apiVersion");
        if (api != null && !(api.isTextual() && api.asText().startsWith("org.containers.bootc/"))) {
            throw new InvalidStatusException("apiVersion: expected org.containers.bootc/v1 (send --format-version=1)");
        }
        JsonNode status = object(root.get("status"), "status", true);
        JsonNode booted = status.get("booted");
        if (booted == null || booted.isNull()) {
            throw new InvalidStatusException("status.booted: null; this host is not booted from a bootc image");
        }
        String bootedDigest = bootcDigest(booted, "status.booted")
                .orElseThrow(() -> new InvalidStatusException("status.booted.image: null; the booted deployment is not a"
                        + " container image"));
        return new StatusReport(StatusReport.Shape.BOOTC, bootedDigest, optionalDeployment(status, "staged"),
                optionalDeployment(status, "rollback"), architecture(booted.get("image"), "status.booted.image.architecture"));
    }

    /** The image's OCI architecture (amd64, arm64, ...), when given. */
    private static Optional<String> architecture(JsonNode image, String path) throws InvalidStatusException {
        JsonNode a = image.get("architecture");
        if (a == null || a.isNull()) return Optional.empty();
        if (!a.isTextual() || !a.asText().matches("[a-z0-9_]{1,32}")) {
            throw new InvalidStatusException(path + ": expected an architecture such as amd64 or arm64, got " + type(a));
        }
        return Optional.of(a.asText());
    }

    private static Optional<String> optionalDeployment(JsonNode status, String field) throws InvalidStatusException {
        JsonNode d = status.get(field);
        if (d == null || d.isNull()) return Optional.empty();
        return bootcDigest(d, "status." + field);
    }

    /** A bootc deployment's image digest; empty when its {@code image} is null (not a container image). */
    private static Optional<String> bootcDigest(JsonNode deployment, String path) throws InvalidStatusException {
        object(deployment, path, true);
        JsonNode image = deployment.get("image");
        if (image == null || image.isNull()) return Optional.empty();
        object(image, path + ".image", true);
        return Optional.of(digest(image.get("imageDigest"), path + ".image.imageDigest"));
    }

    private static StatusReport rpmOstree(JsonNode root) throws InvalidStatusException {
        JsonNode list = root.get("deployments");
        if (!list.isArray()) throw new InvalidStatusException("deployments: expected an array, got " + type(list));
        if (list.isEmpty()) throw new InvalidStatusException("deployments: empty; expected at least the booted deployment");
        if (list.size() > MAX_DEPLOYMENTS) {
            throw new InvalidStatusException("deployments: " + list.size() + " entries, more than " + MAX_DEPLOYMENTS);
        }
        String booted = null;
        Optional<String> staged = Optional.empty();
        Optional<String> rollback = Optional.empty();
        boolean sawStaged = false;
        boolean sawRollback = false;
        for (int i = 0; i < list.size(); i++) {
            String path = "deployments[" + i + "]";
            JsonNode d = object(list.get(i), path, true);
            boolean isBooted = flag(d, "booted", path);
            boolean isStaged = flag(d, "staged", path);
            JsonNode digestNode = d.get("container-image-reference-digest");
            Optional<String> digest = digestNode == null || digestNode.isNull() ? Optional.empty()
                    : Optional.of(digest(digestNode, path + ".container-image-reference-digest"));
            if (isBooted && isStaged) throw new InvalidStatusException(path + ": both booted and staged");
            if (isBooted) {
                if (booted != null) throw new InvalidStatusException(path + ".booted: a second booted deployment");
                booted = digest.orElseThrow(() -> new InvalidStatusException(path + ".container-image-reference-digest:"
                        + " missing on the booted deployment; this host does not boot a container image"));
            } else if (isStaged) {
                if (sawStaged) throw new InvalidStatusException(path + ".staged: a second staged deployment");
                sawStaged = true;
                staged = digest;
            } else if (!sawRollback) {
                sawRollback = true;
                rollback = digest;
            }
        }
        if (booted == null) throw new InvalidStatusException("deployments: none has \"booted\": true");
        return new StatusReport(StatusReport.Shape.RPM_OSTREE, booted, staged, rollback);
    }

    private static boolean flag(JsonNode d, String field, String path) throws InvalidStatusException {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw new InvalidStatusException(path + "." + field + ": expected true or false, got " + type(v));
        return v.booleanValue();
    }

    private static JsonNode object(JsonNode node, String path, boolean required) throws InvalidStatusException {
        if (node == null || node.isNull()) {
            if (required) throw new InvalidStatusException(path + ": missing; expected an object");
            return null;
        }
        if (!node.isObject()) throw new InvalidStatusException(path + ": expected an object, got " + type(node));
        return node;
    }

    private static String digest(JsonNode node, String path) throws InvalidStatusException {
        if (node == null || node.isNull()) throw new InvalidStatusException(path + ": missing; expected a digest sha256:<64 hex>");
        if (!node.isTextual()) throw new InvalidStatusException(path + ": expected a digest sha256:<64 hex>, got " + type(node));
        String s = node.asText();
        if (!DIGEST.matcher(s).matches()) {
            throw new InvalidStatusException(path + ": not a digest; expected sha256: and 64 lowercase hex digits");
        }
        return s;
    }

    private static String type(JsonNode n) {
        if (n == null) return "nothing";
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "malformed";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
