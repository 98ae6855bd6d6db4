package dev.strata.plan;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The fingerprint is the sha256 of the documented text (docs/state.md), however large the state. */
class FingerprintTest {
    private static final Instant T = Instant.parse("2026-11-27T00:30:00Z");

    @Test
    void isTheDigestOfOneSortedLinePerBuildGroupAndReleasedMachine() throws Exception {
        Map<String, Build> builds = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String in = "sha256:" + "%064x".formatted(1000 - i);
            builds.put(in, new Build("img-" + i, in, "sha256:" + "%064x".formatted(i), "r/img@x", "c", "b", Optional.empty(), T));
        }
        Map<String, GroupState> groups = Map.of(
                "b", new GroupState("b", Optional.of("sha256:t"), Optional.empty(), Optional.of(T), GroupState.Status.HALTED,
                        Set.of("sha256:z", "sha256:y"), true),
                "a", new GroupState("a", Optional.empty(), Optional.empty(), Optional.empty(), GroupState.Status.DONE, Set.of(), false));
        // Enough machines for a text of several hundred kilobytes, released at a few different times, some not at all.
        Map<String, MachineState> machines = new TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            String id = "%032x".formatted((long) i * 7919);
            Optional<String> released = i % 7 == 0 ? Optional.empty() : Optional.of("sha256:d" + (i % 3));
            Optional<Instant> at = i % 11 == 0 ? Optional.empty() : Optional.of(T.plusSeconds(i % 4));
            machines.put(id, new MachineState(id, Optional.empty(), Optional.empty(), Optional.empty(), released, at,
                    Optional.empty(), Optional.empty()));
        }

        StringBuilder text = new StringBuilder("fingerprint/1\n");
        builds.forEach((k, b) -> text.append("build ").append(k).append(' ').append(b.imageDigest()).append('\n'));
        text.append("group a - - DONE [] false\n");
        text.append("group b sha256:t - HALTED [sha256:y, sha256:z] true\n");
        machines.forEach((k, m) -> m.releasedDigest().ifPresent(d -> text.append("release ").append(k).append(' ').append(d)
                .append(' ').append(m.releasedAt().map(Instant::toString).orElse("-")).append('\n')));
        assertThat(text.length()).isGreaterThan(4 * 65536);
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.toString().getBytes(StandardCharsets.UTF_8)));

        Observed observed = new Observed(Map.of(), builds, Map.of(), groups, machines);
        assertThat(Fingerprint.of(observed)).isEqualTo(expected);
        assertThat(Fingerprint.of(Observed.empty())).isEqualTo("sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest("fingerprint/1\n".getBytes(StandardCharsets.UTF_8))));
    }
}
