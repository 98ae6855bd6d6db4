package dev.strata.serve;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shared secret of the Git push webhook. A push is genuine when its {@code X-Hub-Signature-256}
 * header is {@code sha256=} and the hex HMAC-SHA256 of the raw body under this secret (the scheme
 * GitHub, Gitea and Forgejo use). The secret never appears in {@link #toString()}.
 */
public final class WebhookSecret {
    static final String HEADER = "X-Hub-Signature-256";
    private static final String ALGORITHM = "HmacSHA256";
    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /** The secret from a file, without its trailing newline (as {@code echo SECRET > file} leaves it). */
    public static WebhookSecret read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "--webhook-secret-file: no such file");
        }
        String secret = text.replaceAll("[\\r\\n]+$", "");
        if (secret.isEmpty()) throw new IOException("--webhook-secret-file " + file + " is empty; put a long random secret in it");
        return of(secret);
    }

    public static WebhookSecret of(String secret) {
        if (secret.isEmpty()) throw new IllegalArgumentException("empty webhook secret");
        return new WebhookSecret(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** An HMAC over whatever is fed to it; {@link #matches} compares in constant time. */
    final class Signer {
        private final Mac mac;

        private Signer() {
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }

        void update(byte[] bytes, int offset, int length) {
            mac.update(bytes, offset, length);
        }

        /** Whether {@code header} ({@code sha256=<64 hex>}) is the HMAC of everything fed so far. */
        boolean matches(Optional<String> header) {
            byte[] actual = mac.doFinal();
            Optional<byte[]> claimed = header.flatMap(WebhookSecret::parseHeader);
            // MessageDigest.isEqual takes the same time wherever the first difference is.
            return claimed.isPresent() && MessageDigest.isEqual(actual, claimed.get());
        }
    }

    Signer signer() {
        return new Signer();
    }

    /** Feeds all of {@code in} to a signer, refusing more than {@code limit} bytes; returns it for {@link Signer#matches}. */
    Signer sign(InputStream in, long limit) throws IOException, Exchanges.BodyTooLarge {
        Signer s = signer();
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) throw new Exchanges.BodyTooLarge(limit);
            s.update(buffer, 0, n);
        }
        return s;
    }

    /** The header value a sender computes for {@code body}; for tests and tools. */
    public String signatureOf(byte[] body) {
        Signer s = signer();
        s.update(body, 0, body.length);
        return "sha256=" + HexFormat.of().formatHex(s.mac.doFinal());
    }

    private static Optional<byte[]> parseHeader(String value) {
        String v = value.strip();
        if (!v.startsWith("sha256=") || v.length() != 7 + 64) return Optional.empty();
        try {
            return Optional.of(HexFormat.of().parseHex(v.substring(7).toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "WebhookSecret[" + key.length + " bytes]";
    }
}
