package dev.strata.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.strata.delivery.Reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reading requests and writing replies on the JDK server, the same way for every route. */
final class Exchanges {
    private Exchanges() {
    }

    /** A request body over its limit: answered 413 {@code body_too_large}. */
    static final class BodyTooLarge extends Exception {
        final long limit;

        BodyTooLarge(long limit) {
            super("request body over " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    /**
     * The whole body, refusing one over {@code limit} bytes without holding more than {@code limit + 1}:
     * a declared Content-Length over the limit is refused before a byte is read; a chunked body is
     * read until it passes the limit.
     */
    static byte[] body(HttpExchange ex, int limit) throws IOException, BodyTooLarge {
        checkDeclaredLength(ex, limit);
        InputStream in = ex.getRequestBody();
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) throw new BodyTooLarge(limit);
        return bytes;
    }

    static void checkDeclaredLength(HttpExchange ex, long limit) throws BodyTooLarge {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared == null) return;
        try {
            if (Long.parseLong(declared.strip()) > limit) throw new BodyTooLarge(limit);
        } catch (NumberFormatException e) {
            // The JDK server has already refused a malformed Content-Length; nothing to add.
        }
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header; empty when absent or another scheme. */
    static Optional<String> bearer(HttpExchange ex) {
        String value = ex.getRequestHeaders().getFirst("Authorization");
        if (value == null) return Optional.empty();
        String v = value.strip();
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = v.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Writes a reply: JSON when it has a body, {@code Content-Length: 0} otherwise. */
    static void send(HttpExchange ex, Reply reply) throws IOException {
        if (reply.json() == null) {
            ex.sendResponseHeaders(reply.status(), -1);
            return;
        }
        send(ex, reply.status(), "application/json", reply.json().getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
