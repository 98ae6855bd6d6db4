package dev.strata.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * A digest of the build and rollout state a plan was made against: builds, group rollouts and which
 * machines were released for which digest. Machine reports (booted, staged, failures) are left out,
 * so machines reporting in do not make a saved plan stale.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    public static String of(Observed o) {
        Lines b = new Lines();
        b.add("fingerprint/1\n");
        new TreeMap<>(o.builds()).forEach((k, v) -> b.add("build " + k + ' ' + v.imageDigest() + '\n'));
        new TreeMap<>(o.groups()).forEach((k, g) -> b.add("group " + k + ' ' + g.target().orElse("-")
                + ' ' + g.previous().orElse("-") + ' ' + g.status() + ' '
                + new java.util.TreeSet<>(g.rejectedDigests()) + ' ' + g.pausedByOperator() + '\n'));
        // 100,000 machines: sort the ids alone and hash line by line, rather than a sorted map and one large string.
        String[] ids = o.machines().keySet().toArray(String[]::new);
        Arrays.sort(ids);
        for (String k : ids) {
            MachineState m = o.machines().get(k);
            m.releasedDigest().ifPresent(d -> b.add("release " + k + ' ' + d + ' ' + m.releasedAt().map(Object::toString).orElse("-") + '\n'));
        }
        return "sha256:" + HexFormat.of().formatHex(b.digest.digest());
    }

    /** Text hashed as UTF-8 as it is added: the same digest as hashing it all at once. */
    private static final class Lines {
        final MessageDigest digest;

        Lines() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(String line) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
    }
}
