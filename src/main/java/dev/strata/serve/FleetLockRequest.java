package dev.strata.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A FleetLock request as Zincati sends it: header {@code fleet-lock-protocol: true} and a body
 * {@code {"client_params":{"id":"...","group":"..."}}}, pretty-printed, with no Content-Type.
 * Unknown fields are ignored, as a newer client may send more.
 */
record FleetLockRequest(String id, String group) {
    static final String KIND = "invalid_client_identity";
    /** Zincati's groups (and airlock's check). */
    private static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9.-]+");
    /** The app-specific machine id Zincati and the agent send. */
    static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A request the server refuses with 400 {@code invalid_client_identity}; the message is the error's value. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static FleetLockRequest parse(Headers headers, byte[] body) throws Invalid {
        String header = headers.getFirst("fleet-lock-protocol");
        if (header == null) throw new Invalid("missing header 'fleet-lock-protocol: true'");
        if (!header.strip().equals("true")) throw new Invalid("header fleet-lock-protocol must be 'true'");
        if (body.length == 0) throw new Invalid("body is empty; send {\"client_params\":{\"id\":...,\"group\":...}}");
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Invalid("body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid("body is not JSON");
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new Invalid("body must be a JSON object {\"client_params\":{\"id\":...,\"group\":...}}");
        }
        JsonNode params = root.get("client_params");
        if (params == null || !params.isObject()) throw new Invalid("body has no client_params object");
        String id = text(params, "id");
        String group = text(params, "group");
        if (!MACHINE_ID.matcher(id).matches()) {
            throw new Invalid("client_params.id must be the 32 lowercase hex characters of the app-specific machine id"
                    + " (systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b)");
        }
        if (!GROUP.matcher(group).matches()) {
            throw new Invalid("client_params.group must match ^[a-zA-Z0-9.-]+$");
        }
        return new FleetLockRequest(id, group);
    }

    private static String text(JsonNode params, String field) throws Invalid {
        JsonNode node = params.get(field);
        if (node == null || node.isNull()) throw new Invalid("client_params." + field + " is missing");
        if (!node.isTextual()) throw new Invalid("client_params." + field + " must be a string");
        if (node.asText().isEmpty()) throw new Invalid("client_params." + field + " is empty");
        return node.asText();
    }
}
