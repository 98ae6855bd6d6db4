package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.GroupState;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fingerprint of the build and rollout state: a SHA-256 over builds, groups, waves and approvals
 * in a fixed order and encoding, written from the values, so every store implementation computes the
 * same digest for the same state. Machine reports are left out on purpose: they change all the time,
 * and the planner re-reads them anyway.
 */
public final class StateFingerprint {
    private static final String FORMAT = "strata-state-fingerprint/1";

    private StateFingerprint() {
    }

    public static String of(Map<String, Build> builds, Map<String, GroupState> groups, List<WaveProgress> waves,
                            List<Approval> approvals) {
        Encoder out = new Encoder();
        out.text(FORMAT);
        out.section("builds", builds.size());
        for (Build b : new TreeMap<>(builds).values()) {
            out.text(b.inputsDigest()).text(b.image()).text(b.imageDigest()).text(b.reference()).text(b.commit())
                    .optional(b.baseVersion()).time(b.builtAt());
        }
        out.section("groups", groups.size());
        for (GroupState g : new TreeMap<>(groups).values()) {
            out.text(g.group()).optional(g.target()).optional(g.previous()).optionalTime(g.startedAt())
                    .text(g.status().name()).text(Boolean.toString(g.pausedByOperator()));
            TreeSet<String> rejected = new TreeSet<>(g.rejectedDigests());
            out.section("rejected", rejected.size());
            rejected.forEach(out::text);
        }
        out.section("waves", waves.size());
        waves.stream()
                .sorted(Comparator.comparing(WaveProgress::group).thenComparing(WaveProgress::target)
                        .thenComparing(WaveProgress::wave))
                .forEach(w -> out.text(w.group()).text(w.target()).text(w.wave()).time(w.startedAt())
                        .number(w.released()).number(w.succeeded()).number(w.failed())
                        .optionalTime(w.completedAt()));
        out.section("approvals", approvals.size());
        approvals.stream()
                .sorted(Comparator.comparing(Approval::group).thenComparing(Approval::digest))
                .forEach(a -> out.text(a.group()).text(a.digest()).text(a.approvedBy()).time(a.approvedAt()));
        return "sha256:" + HexFormat.of().formatHex(out.digest.digest());
    }

    /** Length-prefixed fields, so no two different states encode to the same bytes. */
    private static final class Encoder {
        private final MessageDigest digest;

        Encoder() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        Encoder text(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            number(bytes.length);
            digest.update(bytes);
            return this;
        }

        Encoder number(long n) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                digest.update((byte) (n >>> shift));
            }
            return this;
        }

        Encoder time(Instant t) {
            return number(t.truncatedTo(ChronoUnit.MILLIS).toEpochMilli());
        }

        Encoder optional(Optional<String> value) {
            digest.update((byte) (value.isPresent() ? 1 : 0));
            value.ifPresent(this::text);
            return this;
        }

        Encoder optionalTime(Optional<Instant> value) {
            digest.update((byte) (value.isPresent() ? 1 : 0));
            value.ifPresent(this::time);
            return this;
        }

        void section(String name, int count) {
            text(name);
            number(count);
        }
    }
}
