package dev.strata.delivery;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The query of {@code GET /v1/graph} as Zincati sends it (protocols.md section 2): basearch, stream,
 * os_version, os_checksum, oci, group, node_uuid, platform and, when configured, rollout_wariness;
 * form-urlencoded. Every value is checked before anything is looked up. Other parameters are ignored,
 * as the FCOS server ignores them.
 */
record GraphQuery(String basearch, String stream, String osVersion, String osChecksum, boolean oci, String group,
                  String nodeUuid, String platform, Optional<Double> rolloutWariness) {
    private static final int MAX_QUERY = 8 * 1024;
    private static final java.util.Map<String, java.util.regex.Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A query Strata refuses: the reply to send (400 with an empty body, or with {@code {kind,value}}). */
    static final class Invalid extends Exception {
        final Reply reply;

        Invalid(Reply reply) {
            super(reply.json(), null, false, false);
            this.reply = reply;
        }
    }

    static GraphQuery parse(String rawQuery) throws Invalid {
        if (rawQuery != null && rawQuery.length() > MAX_QUERY) throw bad("the query is over " + MAX_QUERY + " characters");
        Map<String, String> p = new HashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (p.put(key, value) != null) throw bad("parameter '" + key + "' is given more than once");
            }
        }
        // As the FCOS server answers: a missing or empty basearch or stream is 400 with an empty body.
        String basearch = p.get("basearch");
        String stream = p.get("stream");
        if (basearch == null || basearch.isEmpty() || stream == null || stream.isEmpty()) throw new Invalid(new Reply(400, null));
        check("basearch", basearch, 32, "[a-z0-9_]+");
        check("stream", stream, 64, "[A-Za-z0-9._-]+");
        String nodeUuid = required(p, "node_uuid");
        if (!Ids.machineId(nodeUuid)) throw bad("node_uuid must be " + Ids.MACHINE_ID_RULE);
        String group = required(p, "group");
        if (!Ids.group(group)) throw bad("group must match [a-zA-Z0-9.-]+, as Zincati's [identity] group does");
        String osChecksum = required(p, "os_checksum");
        check("os_checksum", osChecksum, 512, "[\\x21-\\x7e]+");
        String osVersion = required(p, "os_version");
        check("os_version", osVersion, 256, "[\\x21-\\x7e]+");
        String platform = p.getOrDefault("platform", "");
        check("platform", platform, 64, "[A-Za-z0-9._-]*");
        boolean oci = switch (p.getOrDefault("oci", "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad("oci must be true or false");
        };
        Optional<Double> wariness = Optional.empty();
        if (p.containsKey("rollout_wariness")) {
            try {
                double w = Double.parseDouble(p.get("rollout_wariness"));
                if (!(w >= 0.0 && w <= 1.0)) throw new NumberFormatException();
                wariness = Optional.of(w);
            } catch (NumberFormatException e) {
                throw bad("rollout_wariness must be a number from 0.0 to 1.0 (Strata reads it, but its waves decide)");
            }
        }
        return new GraphQuery(basearch, stream, osVersion, osChecksum, oci, group, nodeUuid, platform, wariness);
    }

    private static String required(Map<String, String> p, String name) throws Invalid {
        String v = p.get(name);
        if (v == null || v.isEmpty()) throw bad("parameter '" + name + "' is missing; Zincati always sends it");
        return v;
    }

    private static void check(String name, String value, int max, String pattern) throws Invalid {
        if (value.length() > max || !PATTERNS.computeIfAbsent(pattern, java.util.regex.Pattern::compile).matcher(value).matches()) {
            throw bad(name + " is not valid: at most " + max + " characters of " + pattern);
        }
    }

    private static String decode(String s) throws Invalid {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("the query is not form-urlencoded: " + e.getMessage());
        }
    }

    private static Invalid bad(String message) {
        return new Invalid(Reply.error(400, Kinds.INVALID_REQUEST, message));
    }
}
