package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static dev.strata.delivery.TestFleet.digest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each point the protocol notes mark [inference] that Strata relies on, pinned (docs/zincati.md, "What was
 * not verified against a real Zincati"). If one of these turns out wrong on a real machine, the test says
 * which assumption to revisit.
 */
class ZincatiInferenceTest {
    @TempDir
    Path dir;

    /**
     * [inference] Zincati joins "v1/graph" and "v1/pre-reboot" to its base URLs with relative resolution: a
     * base without a trailing slash loses its last segment. machine-config always ends the URL with '/'.
     */
    @Test
    void baseUrlsKeepTheirPathOnlyWithATrailingSlash() {
        assertThat(URI.create("https://strata.example:8443/k3J9/").resolve("v1/graph").getPath()).isEqualTo("/k3J9/v1/graph");
        assertThat(URI.create("https://strata.example:8443/k3J9").resolve("v1/graph").getPath()).isEqualTo("/v1/graph");
        assertThat(dev.strata.cli.MachineConfigCommandAccess.baseUrl("https://strata.example:8443/k3J9")).endsWith("/k3J9/");
    }

    /**
     * [inference] Zincati compares node payloads with its booted image after both pass through its OCI
     * reference type (whole()): Docker Hub names gain docker.io/ and library/, others stay as written.
     * Release payloads and stock repositories are written that way.
     */
    @Test
    void payloadsAreWrittenAsZincatisReferenceTypeWritesThem() {
        assertThat(Payloads.normalize("quay.io/fedora/fedora-coreos")).isEqualTo("quay.io/fedora/fedora-coreos");
        assertThat(Payloads.normalize("127.0.0.1:5000/fleet/edge")).isEqualTo("127.0.0.1:5000/fleet/edge");
        assertThat(Payloads.normalize("localhost/fleet")).isEqualTo("localhost/fleet");
        assertThat(Payloads.normalize("fedora/fedora-coreos")).isEqualTo("docker.io/fedora/fedora-coreos");
        assertThat(Payloads.normalize("busybox")).isEqualTo("docker.io/library/busybox");
        assertThat(Payloads.normalize("index.docker.io/busybox")).isEqualTo("docker.io/library/busybox");
    }

    /**
     * [inference] A machine's rollout_wariness only throttles FCOS's own rollouts (and 0.0 would even see a
     * release before its start). Strata does not trust it: the same machine gets the same graph whatever it sends.
     */
    @Test
    void rolloutWarinessDoesNotChangeWhatAMachineSees() throws Exception {
        MachineGroup edge = TestFleet.group("edge").zincati().build();
        Instant t = Instant.parse("2026-11-28T00:00:00Z");
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            DesiredView view = TestFleet.view(edge);
            try (Delivery delivery = new Delivery(store, java.time.Clock.fixed(t, java.time.ZoneOffset.UTC), () -> Optional.of(view))) {
                String repo = "registry.test/fleet/app";
                store.recordRelease(new Release("edge", 1, "43.strata.a", "app", digest('9'), digest('a'), Map.of("x86_64", repo + "@" + digest('a')),
                        t, t, Optional.empty(), Optional.empty()));
                store.recordRelease(new Release("edge", 2, "43.strata.b", "app", digest('8'), digest('b'), Map.of("x86_64", repo + "@" + digest('b')),
                        t, t, Optional.empty(), Optional.empty()));
                Machine m = edge.machines().get(0);
                store.recordMachine(new MachineState(m.id(), Optional.of(digest('a')), Optional.of(t), Optional.empty(),
                        Optional.of(digest('a')), Optional.of(t), Optional.empty(), Optional.empty()));
                String q = "basearch=x86_64&stream=stable&os_version=43&os_checksum=" + repo.replace("/", "%2F") + "%40sha256%3A"
                        + "a".repeat(64) + "&oci=true&group=edge&platform=metal&node_uuid=" + m.id();
                String none = delivery.graph().graph(q, Optional.empty()).json();
                assertThat(delivery.graph().graph(q + "&rollout_wariness=0.000000", Optional.empty()).json()).isEqualTo(none);
                assertThat(delivery.graph().graph(q + "&rollout_wariness=1.000000", Optional.empty()).json()).isEqualTo(none);
                assertThat(none).contains("\"edges\":[]");
            }
        }
    }
}
