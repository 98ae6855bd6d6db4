package dev.strata.delivery;

import dev.strata.state.MachineToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Machine tokens for the agent endpoints: 256 random bits, shown once when issued; the store keeps only
 * their SHA-256. Checking compares hashes in constant time, and does the same work when the machine has
 * no token, so the answer's timing does not tell whether an id exists.
 */
public final class Tokens {
    /** A token just issued: the secret (to hand to the machine, never to log) and the record to store. */
    public record Issued(String token, MachineToken record) {
        @Override
        public String toString() {
            return "Issued[token=(hidden), record=" + record + "]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_TOKEN = new byte[32];
    static final int MAX_LENGTH = 256;

    private Tokens() {
    }

    public static Issued issue(String machineId, Instant at) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(token, new MachineToken(machineId, sha256(token), at));
    }

    public static String sha256(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    /** True when {@code presented} is the token {@code stored} is the hash of. */
    static boolean matches(String presented, Optional<MachineToken> stored) {
        byte[] want = stored.map(t -> HexFormat.of().parseHex(t.sha256())).orElse(NO_TOKEN);
        boolean equal = MessageDigest.isEqual(digest(presented), want);
        return equal && stored.isPresent();
    }

    /** A bearer token worth hashing: printable ASCII, not too long. */
    static boolean wellFormed(String token) {
        if (token.isEmpty() || token.length() > MAX_LENGTH) return false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7f) return false;
        }
        return true;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
