package dev.strata.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.delivery.Delivery;
import dev.strata.delivery.DesiredView;
import dev.strata.delivery.Tokens;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.Plan;
import dev.strata.plan.Planner;
import dev.strata.plan.StreamResolution;
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Wave;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-arch image from plan to machine, on a real state file: apply releases each machine for its own
 * platform's manifest, the agent's target names it, a status report of it counts as reaching the target,
 * and a report of another architecture is refused with both platforms named.
 */
class MultiArchDeliveryTest {
    static final Instant NOW = Instant.parse("2026-01-14T03:00:00Z");
    static final String BASE = digest('b');
    static final String OLD = digest('1');
    static final String INDEX = digest('2');
    static final String AMD = digest('5');
    static final String ARM = digest('6');
    static final String INPUTS = digest('c');
    static final String REPO = "registry.example/fleet/edge";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    final Machine amd = new Machine("0".repeat(31) + "1", "edge-amd", Map.of());
    final Machine arm = new Machine("0".repeat(31) + "2", "edge-arm", Map.of(), "linux/arm64");
    final MachineGroup group = new MachineGroup("edge", "edge", MachineGroup.Delivery.BOOTC, List.of(amd, arm),
            new Rollout(List.of(new Wave("all", List.of(), Map.of(), OptionalInt.of(100), 100)), new Quantity(2, false),
                    Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO, ZoneOffset.UTC, List.of(), false,
                    Rollout.DEFAULT_UPDATE_TIMEOUT, Rollout.FailurePolicy.DEFAULT),
            new Origin("groups/edge.yaml", 0));
    final FleetSpec fleet = new FleetSpec(new Fleet("test", Optional.of("registry.example/fleet"), List.of(), List.of(),
            new Origin("fleet.yaml", 0)),
            List.of(new Stream("os", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.of(BASE), Optional.empty(),
                    List.of(), List.of(), Optional.empty(), new Origin("streams/os.yaml", 0))),
            List.of(new Image("edge", new ImageSource.FromStream("os"), Map.of(), List.of(), List.of("linux/amd64", "linux/arm64"),
                    new Origin("images/edge.yaml", 0))),
            List.of(group));
    final Desired desired = new Desired(fleet, "c0ffee", Map.of("edge", new InputsDigest("edge", INPUTS, BASE, List.of())));

    @Test
    void eachMachineIsReleasedForAndReachesItsOwnPlatformsManifest() throws Exception {
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            store.recordBuild(new Build("edge", digest('a'), OLD, REPO + "@" + OLD, "c0ffee", BASE, Optional.empty(), NOW));
            store.recordBuild(new Build("edge", INPUTS, INDEX, REPO + "@" + INDEX, "c0ffee", BASE, Optional.empty(), NOW,
                    Optional.empty(), Optional.empty(), Map.of("linux/amd64", AMD, "linux/arm64", ARM)));
            Map<String, StreamResolution> streams = Map.of("os", new StreamResolution("os", BASE, Optional.empty(),
                    StreamResolution.Source.PIN));
            Plan plan = Planner.plan(desired, store.snapshot().observed(streams), NOW);
            Action.Promote promote = plan.actions().stream().filter(Action.Promote.class::isInstance)
                    .map(Action.Promote.class::cast).findFirst().orElseThrow(() -> new AssertionError(plan.actions().toString()));
            assertThat(promote.toDigest()).isEqualTo(INDEX);
            assertThat(promote.machines()).containsExactly("edge-amd", "edge-arm");
            new Applier(store, Optional.empty()).apply(plan, desired, NOW);
            assertThat(store.read(r -> r.machine(amd.id())).orElseThrow().releasedDigest()).contains(AMD);

            Tokens.Issued amdToken = Tokens.issue(amd.id(), NOW);
            Tokens.Issued armToken = Tokens.issue(arm.id(), NOW);
            store.recordMachineToken(amdToken.record());
            store.recordMachineToken(armToken.record());
            DesiredView view = DesiredView.of("c0ffee", fleet, Optional.empty());
            try (Delivery delivery = new Delivery(store, Clock.fixed(NOW, ZoneOffset.UTC), () -> Optional.of(view))) {
                for (String[] m : new String[][] {{amd.id(), amdToken.token(), AMD}, {arm.id(), armToken.token(), ARM}}) {
                    JsonNode target = JSON.readTree(delivery.machines().target(m[0], Optional.of(m[1])).json());
                    assertThat(target.get("digest").asText()).isEqualTo(m[2]);
                    assertThat(target.get("image").asText()).isEqualTo(REPO + "@" + m[2]);
                }
                // The arm machine reports an amd64 image: refused, both named, nothing stored.
                var wrong = delivery.machines().status(arm.id(), Optional.of(armToken.token()), bootc(AMD, "amd64"));
                assertThat(wrong.status()).isEqualTo(409);
                assertThat(wrong.json()).contains("platform_mismatch", "edge-arm", "linux/arm64 in the fleet", "amd64");
                assertThat(store.read(r -> r.machine(arm.id())).orElseThrow().booted()).isEmpty();
                // Each boots its own manifest and says so: both have reached the index target.
                assertThat(delivery.machines().status(amd.id(), Optional.of(amdToken.token()), bootc(AMD, "amd64")).status())
                        .isEqualTo(200);
                assertThat(delivery.machines().status(arm.id(), Optional.of(armToken.token()), bootc(ARM, "arm64")).status())
                        .isEqualTo(200);
            }
            Plan after = Planner.plan(desired, store.snapshot().observed(streams), NOW.plusSeconds(60));
            // The image and the group are both called edge: the image is up to date, the group done.
            assertThat(after.actions()).allSatisfy(a -> assertThat(a).isInstanceOf(Action.NoOp.class));
            assertThat(after.actions()).extracting(Action::reason).contains("all 2 machines run " + INDEX.substring(0, 19));
        }
    }

    private static byte[] bootc(String digest, String arch) {
        return ("""
                {"apiVersion":"org.containers.bootc/v1","kind":"BootcHost","status":{"booted":{"image":{"image":
                {"image":"%s@%s","transport":"registry"},"imageDigest":"%s","architecture":"%s"}},"staged":null,
                "rollback":null}}""").formatted(REPO, digest, digest, arch).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aZincatiMachineGetsItsBasearchsPayloadAndReachesTheTargetThroughIt() throws Exception {
        MachineGroup zincati = new MachineGroup("edge", "edge", MachineGroup.Delivery.ZINCATI, group.machines(), group.rollout(),
                group.origin());
        FleetSpec zf = new FleetSpec(fleet.fleet(), fleet.streams(), fleet.images(), List.of(zincati));
        Desired zd = new Desired(zf, "c0ffee", desired.inputs());
        Map<String, StreamResolution> streams = Map.of("os", new StreamResolution("os", BASE, Optional.empty(),
                StreamResolution.Source.PIN));
        try (StateStore store = SqliteStateStore.open(dir.resolve("state.db"))) {
            store.recordBuild(new Build("edge", INPUTS, INDEX, REPO + "@" + INDEX, "c0ffee", BASE, Optional.of("43.20260101.3.0"),
                    NOW, Optional.of(NOW), Optional.of("43.20260101.3.0.strata.1"), Map.of("linux/amd64", AMD, "linux/arm64", ARM)));
            new Applier(store, Optional.empty()).apply(Planner.plan(zd, store.snapshot().observed(streams), NOW), zd, NOW);
            assertThat(store.releases("edge")).singleElement().satisfies(r -> {
                assertThat(r.imageDigest()).isEqualTo(INDEX);
                assertThat(r.payloads()).isEqualTo(Map.of("x86_64", REPO + "@" + AMD, "aarch64", REPO + "@" + ARM));
            });
            assertThat(store.read(r -> r.machine(arm.id())).orElseThrow().releasedDigest()).contains(INDEX);
            DesiredView view = DesiredView.of("c0ffee", zf, Optional.empty());
            try (Delivery delivery = new Delivery(store, Clock.fixed(NOW, ZoneOffset.UTC), () -> Optional.of(view))) {
                for (Object[] m : new Object[][] {{arm, "aarch64", ARM}, {amd, "x86_64", AMD}}) {
                    Machine machine = (Machine) m[0];
                    var reply = delivery.graph().graph("basearch=" + m[1] + "&stream=stable&os_version=42.1&group=edge&node_uuid="
                            + machine.id() + "&os_checksum=quay.io%2Ffedora%2Ffedora-coreos%40" + BASE.replace(":", "%3A")
                            + "&oci=true&platform=metal", Optional.of("application/json"));
                    assertThat(reply.status()).as(reply.json()).isEqualTo(200);
                    JsonNode nodes = JSON.readTree(reply.json()).get("nodes");
                    assertThat(nodes.get(nodes.size() - 1).get("payload").asText()).isEqualTo(REPO + "@" + m[2]);
                    // Zincati has staged and booted the payload of its basearch, and says so on its next poll.
                    var booted = delivery.graph().graph("basearch=" + m[1] + "&stream=stable&os_version=43.20260101.3.0.strata.1"
                            + "&group=edge&node_uuid=" + machine.id() + "&os_checksum=" + (REPO + "@" + m[2]).replace("/", "%2F")
                            .replace(":", "%3A").replace("@", "%40") + "&oci=true&platform=metal", Optional.of("application/json"));
                    assertThat(booted.status()).isEqualTo(200);
                }
            }
            Plan after = Planner.plan(zd, store.snapshot().observed(streams), NOW.plusSeconds(60));
            assertThat(after.actions()).extracting(Action::reason).contains("all 2 machines run " + INDEX.substring(0, 19));
        }
    }
}
