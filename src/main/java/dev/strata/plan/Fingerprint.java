package dev.strata.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        StringBuilder b = new StringBuilder("fingerprint/1\n");
        new TreeMap<>(o.builds()).forEach((k, v) -> b.append("build ").append(k).append(' ').append(v.imageDigest()).append('\n'));
        new TreeMap<>(o.groups()).forEach((k, g) -> b.append("group ").append(k).append(' ').append(g.target().orElse("-"))
                .append(' ').append(g.previous().orElse("-")).append(' ').append(g.status()).append(' ')
                .append(new java.util.TreeSet<>(g.rejectedDigests())).append(' ').append(g.pausedByOperator()).append('\n'));
        new TreeMap<>(o.machines()).forEach((k, m) -> m.releasedDigest().ifPresent(d -> b.append("release ").append(k)
                .append(' ').append(d).append(' ').append(m.releasedAt().map(Object::toString).orElse("-")).append('\n')));
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
