package dev.strata.plan;

import dev.strata.inputs.InputsHasher;
import dev.strata.source.FolderTree;
import dev.strata.spec.Agent;
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which images build, and the reason a person reads in a preview. */
class BuildPlannerTest {
    private static final String OLD_BASE = Fleets.digest('b');
    private static final String NEW_BASE = Fleets.digest('c');
    private static final String COMMIT = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    private static final Instant NOW = Instant.parse("2026-01-14T03:00:00Z");

    @TempDir
    Path repo;

    private static Layer.FileEntry file(String path, String content) {
        return new Layer.FileEntry(path, Optional.empty(), Optional.of(content), 0644, "0:0", false);
    }

    private static Layer layer(String name, Layer.FileEntry... files) {
        return new Layer(name, List.of(files), List.of(), Layer.SystemdUnits.NONE, List.of());
    }

    private static Image image(String name, ImageSource from, Layer... layers) {
        return new Image(name, from, Map.of(), List.of(layers), new Origin("images/" + name + ".yaml", 0));
    }

    private static Image dc(String chrony) {
        return image("dc", new ImageSource.FromStream("os"),
                layer("network", file("/etc/chrony.d/dc.conf", chrony), file("/etc/hosts.d/dc", "10.0.0.1 gw\n")),
                layer("monitoring", file("/etc/node-exporter/config", "port: 9100\n")));
    }

    private static FleetSpec fleet(Image... images) {
        Stream os = new Stream("os", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.empty(),
                Optional.empty(), List.of(), List.of(), Optional.empty(), new Origin("streams/os.yaml", 0));
        return new FleetSpec(new Fleet("test", Optional.empty(), List.of(), List.of(), new Origin("fleet.yaml", 0)),
                List.of(os), List.of(images), List.of());
    }

    private static StreamResolution os(String digest, String version) {
        return new StreamResolution("os", digest, Optional.of(version), StreamResolution.Source.REGISTRY);
    }

    private Map<String, InputsDigest> inputs(FleetSpec fleet, StreamResolution os) throws IOException {
        return new InputsHasher(new FolderTree(repo)).digests(fleet, Map.of("os", os));
    }

    private static Build built(InputsDigest in, String imageDigest, String baseVersion) {
        return new Build(in.image(), in.digest(), imageDigest, "registry.example/" + in.image() + "@" + imageDigest, COMMIT,
                in.baseDigest(), Optional.of(baseVersion), NOW.minusSeconds(86400));
    }

    /** Plans {@code now} against builds of {@code before}, which are also the inputs last built. */
    private List<Action> plan(FleetSpec now, StreamResolution nowBase, FleetSpec before, StreamResolution beforeBase)
            throws IOException {
        ObservedBuilder o = ObservedBuilder.observed().stream(nowBase);
        char c = 'd';
        for (InputsDigest in : inputs(before, beforeBase).values()) {
            o.previousInputs(in).build(built(in, Fleets.digest(c++), beforeBase.version().orElseThrow()));
        }
        Desired d = new Desired(now, COMMIT, inputs(now, nowBase));
        return Planner.plan(d, o.build(), NOW).actions();
    }

    private static Action.BuildImage build(Action a) {
        assertThat(a).isInstanceOf(Action.BuildImage.class);
        return (Action.BuildImage) a;
    }

    @Test
    void anImageNeverBuiltIsANewImage() throws IOException {
        FleetSpec f = fleet(dc("server ntp1\n"));
        Desired d = new Desired(f, COMMIT, inputs(f, os(OLD_BASE, "43.1")));
        Action.BuildImage b = build(Planner.plan(d, Observed.empty(), NOW).actions().get(0));
        assertThat(b.cause()).isEqualTo(Action.BuildCause.NEW_IMAGE);
        assertThat(b.reason()).isEqualTo("new image");
        assertThat(b.inputsDigest()).isEqualTo(d.inputs().get("dc").digest());
    }

    @Test
    void aChangedFileIsNamedWithItsLayer() throws IOException {
        List<Action> actions = plan(fleet(dc("server ntp2\n")), os(OLD_BASE, "43.1"), fleet(dc("server ntp1\n")), os(OLD_BASE, "43.1"));
        Action.BuildImage b = build(actions.get(0));
        assertThat(b.cause()).isEqualTo(Action.BuildCause.SPEC_CHANGED);
        assertThat(b.reason()).isEqualTo("layer network: /etc/chrony.d/dc.conf changed");
        assertThat(b.changed()).containsExactly("/etc/chrony.d/dc.conf");
    }

    @Test
    void aChangedModeIsAChangedFile() throws IOException {
        Image before = dc("server ntp1\n");
        Layer net = before.layers().get(0);
        List<Layer.FileEntry> files = new ArrayList<>(net.files());
        Layer.FileEntry hosts = files.get(1);
        files.set(1, new Layer.FileEntry(hosts.path(), hosts.source(), hosts.content(), 0600, hosts.owner(), false));
        Image after = image("dc", before.from(), new Layer("network", files, List.of(), net.systemd(), List.of()),
                before.layers().get(1));
        Action.BuildImage b = build(plan(fleet(after), os(OLD_BASE, "43.1"), fleet(before), os(OLD_BASE, "43.1")).get(0));
        assertThat(b.reason()).isEqualTo("layer network: /etc/hosts.d/dc changed");
    }

    @Test
    void anAddedAndARemovedLayerAreNamed() throws IOException {
        Image before = dc("server ntp1\n");
        Image after = image("dc", before.from(), before.layers().get(0), layer("console", file("/etc/issue", "hi\n")));
        Action.BuildImage b = build(plan(fleet(after), os(OLD_BASE, "43.1"), fleet(before), os(OLD_BASE, "43.1")).get(0));
        assertThat(b.reason()).isEqualTo("layer console added; layer monitoring removed");
        assertThat(b.changed()).containsExactly("/etc/issue");
    }

    private static FleetSpec withGroup(FleetSpec f, boolean agent) {
        MachineGroup g = new MachineGroup("dc-east", "dc", MachineGroup.Delivery.BOOTC, List.of(),
                new Rollout(List.of(), Quantity.ONE, Optional.empty(), Optional.empty(), Optional.empty(), java.time.Duration.ZERO,
                        java.time.ZoneOffset.UTC, List.of(), false, Rollout.DEFAULT_UPDATE_TIMEOUT, Rollout.FailurePolicy.DEFAULT),
                new Agent(agent, Agent.DEFAULT_CONNECTIVITY_TIMEOUT, List.of()), new Origin("groups/dc-east.yaml", 0));
        return new FleetSpec(f.fleet(), f.streams(), f.images(), List.of(g));
    }

    @Test
    void theHostAgentsLayerIsNamedLikeAnyOtherWhenAGroupTakesItOrOptsOut() throws IOException {
        FleetSpec plain = fleet(dc("server ntp1\n"));
        Action.BuildImage added = build(plan(withGroup(plain, true), os(OLD_BASE, "43.1"), plain, os(OLD_BASE, "43.1")).get(0));
        assertThat(added.reason()).isEqualTo("layer strata:agent added");
        assertThat(added.changed()).contains("/usr/libexec/strata/strata-agent", "/usr/lib/systemd/system/strata-agent.timer");

        Action.BuildImage removed = build(plan(withGroup(plain, false), os(OLD_BASE, "43.1"), withGroup(plain, true),
                os(OLD_BASE, "43.1")).get(0));
        assertThat(removed.reason()).isEqualTo("layer strata:agent removed");
    }

    @Test
    void changedLabelsAloneAreSaidToBeLabels() throws IOException {
        Image before = dc("server ntp1\n");
        Image after = new Image("dc", before.from(), Map.of("org.opencontainers.image.description", "dc"), before.layers(),
                before.origin());
        Action.BuildImage b = build(plan(fleet(after), os(OLD_BASE, "43.1"), fleet(before), os(OLD_BASE, "43.1")).get(0));
        assertThat(b.reason()).isEqualTo("labels changed");
    }

    @Test
    void aMovedBaseNamesBothDigestsAndVersions() throws IOException {
        FleetSpec f = fleet(dc("server ntp1\n"));
        Action.BuildImage b = build(plan(f, os(NEW_BASE, "43.20260413.3.2"), f, os(OLD_BASE, "43.20260330.3.1")).get(0));
        assertThat(b.cause()).isEqualTo(Action.BuildCause.BASE_MOVED);
        assertThat(b.reason()).isEqualTo("base moved from sha256:bbbbbbbbbbbb (43.20260330.3.1) to sha256:cccccccccccc (43.20260413.3.2)");
        assertThat(b.changed()).isEmpty();
    }

    @Test
    void aMovedBaseAndAChangedFileAreBothSaid() throws IOException {
        Action.BuildImage b = build(plan(fleet(dc("server ntp2\n")), os(NEW_BASE, "43.2"), fleet(dc("server ntp1\n")), os(OLD_BASE, "43.1")).get(0));
        assertThat(b.cause()).isEqualTo(Action.BuildCause.SPEC_CHANGED);
        assertThat(b.reason()).startsWith("base moved from sha256:bbbbbbbbbbbb (43.1) to sha256:cccccccccccc (43.2); ")
                .endsWith("layer network: /etc/chrony.d/dc.conf changed");
    }

    @Test
    void anImageBuiltOnAnImageComesAfterItsParentAndRebuildsWhenTheParentDoes() throws IOException {
        // The child is listed first; it still builds after its parent.
        Image child = image("dc-gpu", new ImageSource.FromImage("dc"), layer("gpu", file("/etc/modules-load.d/gpu.conf", "nvidia\n")));
        List<Action> actions = plan(fleet(child, dc("server ntp2\n")), os(OLD_BASE, "43.1"),
                fleet(child, dc("server ntp1\n")), os(OLD_BASE, "43.1"));
        assertThat(actions).extracting(Action::subject).containsExactly("dc", "dc-gpu");
        Action.BuildImage parent = build(actions.get(0));
        Action.BuildImage b = build(actions.get(1));
        assertThat(b.cause()).isEqualTo(Action.BuildCause.BASE_MOVED);
        assertThat(b.reason()).startsWith("base moved from image inputs sha256:")
                .endsWith(" to image inputs " + BuildPlanner.short12(parent.inputsDigest()));
    }

    @Test
    void unchangedImagesAreNoOps() throws IOException {
        Image child = image("dc-gpu", new ImageSource.FromImage("dc"), layer("gpu", file("/etc/modules-load.d/gpu.conf", "nvidia\n")));
        FleetSpec f = fleet(dc("server ntp1\n"), child);
        List<Action> actions = plan(f, os(OLD_BASE, "43.1"), f, os(OLD_BASE, "43.1"));
        assertThat(actions).hasSize(2).allSatisfy(a -> assertThat(a).isInstanceOf(Action.NoOp.class));
        assertThat(actions.get(0).reason()).matches("up to date: sha256:[de]{12} built from 9f8e7d6");
    }

    @Test
    void inputsThatWereRecordedButNeverBuiltAreNotCalledAChange() throws IOException {
        // The last build of these inputs failed, so previousInputs has them and no build does.
        FleetSpec f = fleet(dc("server ntp1\n"));
        Map<String, InputsDigest> in = inputs(f, os(OLD_BASE, "43.1"));
        Observed o = ObservedBuilder.observed().previousInputs(in.get("dc")).build();
        Action.BuildImage b = build(Planner.plan(new Desired(f, COMMIT, in), o, NOW).actions().get(0));
        assertThat(b.reason()).isNotBlank().contains("no build");
        assertThat(b.cause()).isEqualTo(Action.BuildCause.NEW_IMAGE);
    }

    @Test
    void anImageOnAnUnresolvedStreamWaitsForItsBase() throws IOException {
        FleetSpec f = fleet(dc("server ntp1\n"));
        Desired d = new Desired(f, COMMIT, Map.of());
        Action a = Planner.plan(d, Observed.empty(), NOW).actions().get(0);
        assertThat(a).isInstanceOf(Action.Wait.class);
        assertThat(((Action.Wait) a).cause()).isEqualTo(Action.WaitCause.BUILD);
        assertThat(a.reason()).contains("not resolved");
    }
}
