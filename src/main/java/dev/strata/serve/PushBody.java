package dev.strata.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A push webhook's body, read once as it arrives: every byte is fed to the signature check, and the JSON
 * is scanned for its top-level {@code ref} without holding the payload (up to 25 MiB of commits). What
 * the scan found counts only once the signature matches.
 */
final class PushBody {
    /** What git check-ref-format refuses, and what no forge sends: control characters, space, ~^:?*[\ */
    private static final Pattern REF = Pattern.compile("refs/[^\\x00-\\x20\\x7f~^:?*\\[\\\\]{1,1000}");
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The signer fed with the whole body, and the push's ref or what is wrong with the body. */
    record Read(WebhookSecret.Signer signer, Optional<String> ref, Optional<String> problem) {
    }

    private PushBody() {
    }

    /** @param scan whether to look for the ref (a JSON push); otherwise the body is only hashed */
    static Read read(InputStream in, long limit, WebhookSecret secret, boolean scan) throws IOException, Exchanges.BodyTooLarge {
        WebhookSecret.Signer signer = secret.signer();
        Tee tee = new Tee(in, signer, limit);
        Optional<String> ref = Optional.empty();
        Optional<String> problem = Optional.empty();
        try {
            if (scan) {
                try {
                    ref = Optional.of(scanRef(tee));
                } catch (Invalid e) {
                    problem = Optional.of(e.getMessage());
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    problem = Optional.of("the body is not valid JSON: " + e.getOriginalMessage());
                }
            }
            tee.transferTo(java.io.OutputStream.nullOutputStream()); // the rest still counts for the signature
        } catch (Tee.TooLarge e) {
            throw new Exchanges.BodyTooLarge(limit);
        }
        return new Read(signer, ref, problem);
    }

    private static String scanRef(InputStream in) throws IOException, Invalid {
        Optional<String> ref = Optional.empty();
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new Invalid("the body is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("ref")) {
                    if (value != JsonToken.VALUE_STRING) throw new Invalid("'ref' is not a string");
                    ref = Optional.of(p.getText());
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw new Invalid("the body has data after its JSON object");
        }
        String r = ref.orElseThrow(() -> new Invalid("a push has a top-level 'ref' such as \"refs/heads/main\"; this body has none"));
        if (!REF.matcher(r).matches() || r.contains("..") || r.contains("@{") || r.contains("//") || r.endsWith("/")
                || r.endsWith(".") || r.endsWith(".lock")) {
            throw new Invalid("'ref' is not a Git ref name such as refs/heads/main");
        }
        return r;
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Passes bytes through to the signer, counting them against the limit. */
    private static final class Tee extends FilterInputStream {
        private final WebhookSecret.Signer signer;
        private final long limit;
        private long total;

        private static final class TooLarge extends IOException {
            TooLarge() {
                super("over the limit", null);
            }
        }

        Tee(InputStream in, WebhookSecret.Signer signer, long limit) {
            super(in);
            this.signer = signer;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                total += n;
                if (total > limit) throw new TooLarge();
                signer.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) {
            return 0; // every byte must pass through read, to be signed
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
