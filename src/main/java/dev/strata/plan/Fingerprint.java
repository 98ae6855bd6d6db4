package dev.strata.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A digest of the build and rollout state a plan was made against: builds, group rollouts and which
 * machines were released for which digest. Machine reports (booted, staged, failures) are left out,
 * so machines reporting in do not make a saved plan stale.
 *
 * <p>The digest is of one text, a line per build, group and released machine, each kind sorted by
 * key. A preview of a large fleet has a line for each of 100,000 machines, so the text is hashed in
 * pieces as it is written rather than built whole.
 */
public final class Fingerprint {
    /** Characters written before they are hashed; always whole lines, so no character is split. */
    private static final int CHUNK = 1 << 16;

    private Fingerprint() {
    }

    public static String of(Observed o) {
        Hashing out = new Hashing();
        out.text.append("fingerprint/1\n");
        for (String k : sorted(o.builds())) {
            out.text.append("build ").append(k).append(' ').append(o.builds().get(k).imageDigest()).append('\n');
            out.flushIfFull();
        }
        for (String k : sorted(o.groups())) {
            GroupState g = o.groups().get(k);
            out.text.append("group ").append(k).append(' ').append(g.target().orElse("-"))
                    .append(' ').append(g.previous().orElse("-")).append(' ').append(g.status()).append(' ')
                    .append(new TreeSet<>(g.rejectedDigests())).append(' ').append(g.pausedByOperator()).append('\n');
            out.flushIfFull();
        }
        // Machines released together share their release time: its text is made once.
        Instant lastAt = null;
        String lastAtText = "-";
        for (String k : sorted(o.machines())) {
            MachineState m = o.machines().get(k);
            if (m.releasedDigest().isEmpty()) continue;
            Optional<Instant> at = m.releasedAt();
            if (at.isPresent() && !at.get().equals(lastAt)) {
                lastAt = at.get();
                lastAtText = lastAt.toString();
            }
            out.text.append("release ").append(k).append(' ').append(m.releasedDigest().get()).append(' ')
                    .append(at.isPresent() ? lastAtText : "-").append('\n');
            out.flushIfFull();
        }
        return "sha256:" + HexFormat.of().formatHex(out.digest());
    }

    /** The keys in their natural order (as a TreeMap would list them). */
    private static String[] sorted(Map<String, ?> map) {
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        return keys;
    }

    /** The text so far, hashed a chunk at a time. */
    private static final class Hashing {
        final StringBuilder text = new StringBuilder(CHUNK + 1024);
        private final MessageDigest sha;

        Hashing() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void flushIfFull() {
            if (text.length() >= CHUNK) flush();
        }

        private void flush() {
            sha.update(text.toString().getBytes(StandardCharsets.UTF_8));
            text.setLength(0);
        }

        byte[] digest() {
            flush();
            return sha.digest();
        }
    }
}
