package dev.strata.build;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * [inference] Zincati drives a derived image only if it carries com.coreos.stream and a version, and it
 * checks the staged image's version against the graph node's (docs/zincati.md). Labels are inherited
 * through FROM, so the base's stream is kept; a base without one gets the Strata stream's tag.
 */
class ZincatiLabelsTest {
    static final String INPUTS = "sha256:" + "ab".repeat(32);

    @Test
    void theBasesStreamIsKeptAndStratasVersionWinsOverTheSpecs() {
        Map<String, String> labels = new TreeMap<>(Map.of(Labels.VERSION, "my-own-version"));
        Labels.forZincati(labels, Map.of("com.coreos.stream", "testing"), "stable", Optional.of("43.20260413.3.2"), INPUTS);
        assertThat(labels).containsEntry("com.coreos.stream", "testing")
                .containsEntry(Labels.VERSION, "43.20260413.3.2.strata.abababababab");
    }

    @Test
    void aBaseWithoutAStreamGetsTheStratasStreamTag() {
        Map<String, String> labels = new TreeMap<>();
        Labels.forZincati(labels, Map.of(), "stable", Optional.empty(), INPUTS);
        assertThat(labels).containsEntry("com.coreos.stream", "stable").containsEntry(Labels.VERSION, "0.strata.abababababab");
    }

    @Test
    void aRepublishIsTaggedByItsInputsAndItsEarliestCreatedTime() {
        assertThat(Labels.republishTag(INPUTS, Instant.ofEpochSecond(1_784_728_801)))
                .isEqualTo("inputs-abababababababababababababababab-r1784728801");
    }
}
