package dev.strata.delivery;

import java.util.Objects;

/**
 * What a machine-facing call answers, independent of HTTP framing: a status code and a JSON body
 * ({@code null} body for an empty 2xx). Errors are always {@code {"kind": ..., "value": ...}} with a
 * small set of kinds, the shape Zincati and FleetLock servers use; {@code serve} writes a reply verbatim.
 */
public record Reply(int status, String json) {
    public Reply {
        if (status < 200 || status > 599) throw new IllegalArgumentException("HTTP status " + status);
    }

    public static Reply ok() {
        return new Reply(200, null);
    }

    public static Reply ok(String json) {
        return new Reply(200, Objects.requireNonNull(json));
    }

    public static Reply error(int status, String kind, String value) {
        return new Reply(status, "{\"kind\":" + Json.quote(kind) + ",\"value\":" + Json.quote(value) + "}");
    }

    public boolean success() {
        return status < 300;
    }
}
