package dev.strata.inputs;

import dev.strata.plan.InputsDigest;
import dev.strata.plan.StreamResolution;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The inputs digest: a golden vector that pins the canonical encoding (docs/inputs-digest.md, whose
 * canonical texts are hashed here too), the same
 * digest for the same fleet anywhere, and a different one for any change a machine could notice.
 */
class InputsHasherTest {
    static final String BASE = "sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4";
    static final String WAN = "[connection]\nid=wan\ntype=ethernet\n";
    static final String AGENT = "[Unit]\nDescription=Edge agent\n[Service]\nExecStart=/usr/bin/edge-agent\n";

    /** The golden vector: the inputs digest of image "edge" of {@link #fleet()}, on {@link #BASE}. */
    static final String EDGE_DIGEST = "sha256:30fcf29dc8a54f3467503364c3aee270740ecadd7bdfddb3b840db44e240bfdc";
    static final String EDGE_GPU_DIGEST = "sha256:8062d384b832d0449142d41b9fb1134610c415e58810aa900060adc03dbfeeeb";

    @TempDir
    Path one;
    @TempDir
    Path two;

    // ---- the golden fleet: image "edge" on a stream, "edge-gpu" on "edge"

    static Layer.FileEntry inline(String path, String content, int mode, String owner) {
        return new Layer.FileEntry(path, Optional.empty(), Optional.of(content), mode, owner, false);
    }

    static Layer.FileEntry sourced(String path, String source, int mode, String owner) {
        return new Layer.FileEntry(path, Optional.of(source), Optional.empty(), mode, owner, false);
    }

    static Image edge() {
        Layer config = new Layer("config",
                List.of(inline("/etc/chrony.d/edge.conf", "server ntp.example.com iburst\n", 0644, "0:0"),
                        sourced("/etc/NetworkManager/system-connections/wan.nmconnection", "files/wan.nmconnection", 0600, "0:0")),
                List.of(new Layer.DirectoryEntry("/etc/edge", 0750, "0:0")),
                new Layer.SystemdUnits(List.of("edge-agent.service"), List.of(), List.of("systemd-resolved.service")),
                List.of("console=ttyS0,115200"));
        Layer agent = new Layer("agent", List.of(sourced("/etc/systemd/system/edge-agent.service", "files/edge-agent.service", 0644, "0:0")),
                List.of(), Layer.SystemdUnits.NONE, List.of());
        return new Image("edge", new ImageSource.FromStream("fcos"), Map.of("org.opencontainers.image.title", "edge"),
                List.of(config, agent), new Origin("images/edge.yaml", 0));
    }

    static Image edgeGpu() {
        Layer gpu = new Layer("gpu", List.of(inline("/etc/modules-load.d/gpu.conf", "nvidia\n", 0644, "0:0")), List.of(),
                Layer.SystemdUnits.NONE, List.of("rd.driver.blacklist=nouveau"));
        return new Image("edge-gpu", new ImageSource.FromImage("edge"), Map.of(), List.of(gpu), new Origin("images/edge-gpu.yaml", 0));
    }

    static FleetSpec fleet(Image... images) {
        Stream fcos = new Stream("fcos", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.empty(), Optional.empty(),
                List.of(), List.of(), Optional.empty(), new Origin("streams/fcos.yaml", 0));
        return new FleetSpec(new Fleet("golden", Optional.empty(), List.of(), List.of(), new Origin("fleet.yaml", 0)),
                List.of(fcos), List.of(images), List.of());
    }

    static FleetSpec fleet() {
        return fleet(edge(), edgeGpu());
    }

    static Map<String, StreamResolution> streams(String base) {
        return Map.of("fcos", new StreamResolution("fcos", base, Optional.of("43.20260413.3.2"), StreamResolution.Source.PIN));
    }

    /** Writes the fleet's source files under {@code root}, in the given order. */
    static Path write(Path root, Map<String, String> files) throws IOException {
        for (var f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        return root;
    }

    static Map<String, String> sources() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("images/files/wan.nmconnection", WAN);
        files.put("images/files/edge-agent.service", AGENT);
        return files;
    }

    static Map<String, InputsDigest> digests(Path root, FleetSpec fleet, String base) throws IOException {
        return new InputsHasher(new FolderTree(root)).digests(fleet, streams(base));
    }

    private String edgeDigest(FleetSpec fleet) throws IOException {
        return digests(write(one, sources()), fleet, BASE).get("edge").digest();
    }

    // ---- the golden vector

    @Test
    void theGoldenFleetHasTheCommittedDigest() throws IOException {
        Map<String, InputsDigest> d = digests(write(one, sources()), fleet(), BASE);
        assertThat(d.get("edge").digest()).isEqualTo(EDGE_DIGEST);
        assertThat(d.get("edge-gpu").digest()).isEqualTo(EDGE_GPU_DIGEST);
        assertThat(d.get("edge-gpu").baseDigest()).isEqualTo("inputs:" + EDGE_DIGEST);
    }

    @Test
    void theGoldenDigestIsTheSha256OfTheEncodingThatTheDocumentDescribes() throws IOException {
        // Written out by hand from docs/inputs-digest.md; a change to either side breaks this test.
        String agentDigest = "sha256:" + InputsHasher.sha256(AGENT.getBytes(StandardCharsets.UTF_8));
        String wanDigest = "sha256:" + InputsHasher.sha256(WAN.getBytes(StandardCharsets.UTF_8));
        String chronyDigest = "sha256:" + InputsHasher.sha256("server ntp.example.com iburst\n".getBytes(StandardCharsets.UTF_8));
        String config = "layer 6:config\n"
                + "dir 9:/etc/edge 4:0750 3:0:0\n"
                + "file 23:/etc/chrony.d/edge.conf 4:0644 3:0:0 71:" + chronyDigest + "\n"
                + "file 55:/etc/NetworkManager/system-connections/wan.nmconnection 4:0600 3:0:0 71:" + wanDigest + "\n"
                + "enable 18:edge-agent.service\n"
                + "mask 24:systemd-resolved.service\n"
                + "karg 20:console=ttyS0,115200\n";
        String agent = "layer 5:agent\n"
                + "file 38:/etc/systemd/system/edge-agent.service 4:0644 3:0:0 71:" + agentDigest + "\n";
        String edge = "layout 15:strata-layout/1\n"
                + "base 71:" + BASE + "\n"
                + "label 30:org.opencontainers.image.title 4:edge\n"
                + config + agent;
        assertThat("sha256:" + InputsHasher.sha256(edge.getBytes(StandardCharsets.UTF_8))).isEqualTo(EDGE_DIGEST);

        String gpu = "layout 15:strata-layout/1\n"
                + "base 78:inputs:" + EDGE_DIGEST + "\n"
                + "layer 3:gpu\n"
                + "file 28:/etc/modules-load.d/gpu.conf 4:0644 3:0:0 71:sha256:"
                + InputsHasher.sha256("nvidia\n".getBytes(StandardCharsets.UTF_8)) + "\n"
                + "karg 27:rd.driver.blacklist=nouveau\n";
        assertThat("sha256:" + InputsHasher.sha256(gpu.getBytes(StandardCharsets.UTF_8))).isEqualTo(EDGE_GPU_DIGEST);

        InputsDigest d = digests(write(one, sources()), fleet(), BASE).get("edge");
        assertThat(d.layers()).extracting(InputsDigest.LayerDigest::name).containsExactly("config", "agent");
        assertThat(d.layers().get(0).digest()).isEqualTo("sha256:" + InputsHasher.sha256(config.getBytes(StandardCharsets.UTF_8)));
        assertThat(d.layers().get(0).entries()).containsOnlyKeys("/etc/edge", "/etc/chrony.d/edge.conf",
                "/etc/NetworkManager/system-connections/wan.nmconnection", "unit:edge-agent.service",
                "unit:systemd-resolved.service", "karg:console=ttyS0,115200");
    }

    @Test
    void theCanonicalTextsInTheDocumentHashToTheGoldenDigests() throws IOException {
        String doc = Files.readString(Path.of("docs/inputs-digest.md"), StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        String[] parts = doc.split("```");
        for (int i = 1; i < parts.length; i += 2) blocks.add(parts[i].startsWith("\n") ? parts[i].substring(1) : parts[i]);
        String edgeText = blocks.stream().filter(b -> b.startsWith("layout 15:strata-layout/1\nbase 71:")).findFirst().orElseThrow();
        String gpuText = blocks.stream().filter(b -> b.startsWith("layout 15:strata-layout/1\nbase 78:inputs:")).findFirst().orElseThrow();
        assertThat("sha256:" + InputsHasher.sha256(edgeText.getBytes(StandardCharsets.UTF_8))).isEqualTo(EDGE_DIGEST);
        assertThat("sha256:" + InputsHasher.sha256(gpuText.getBytes(StandardCharsets.UTF_8))).isEqualTo(EDGE_GPU_DIGEST);
        assertThat(doc).contains("\n" + EDGE_DIGEST + "\n").contains("\n" + EDGE_GPU_DIGEST + "\n")
                .contains(InputsHasher.LAYOUT_VERSION);
        assertThat(doc).contains("(" + WAN.getBytes(StandardCharsets.UTF_8).length + " bytes)")
                .contains("(" + AGENT.getBytes(StandardCharsets.UTF_8).length + " bytes)");
    }

    // ---- the host agent's layer

    static FleetSpec withGroup(MachineGroup.Delivery delivery, Agent agent) {
        FleetSpec f = fleet();
        MachineGroup g = new MachineGroup("site", "edge", delivery, List.of(), new Rollout(List.of(), Quantity.ONE, Optional.empty(),
                Optional.empty(), Optional.empty(), java.time.Duration.ZERO, java.time.ZoneOffset.UTC, List.of(), false,
                Rollout.DEFAULT_UPDATE_TIMEOUT, Rollout.FailurePolicy.DEFAULT), agent, new Origin("groups/site.yaml", 0));
        return new FleetSpec(f.fleet(), f.streams(), f.images(), List.of(g));
    }

    /** The agent layer's lines, as docs/inputs-digest.md describes them. */
    static String agentText(AgentLayer layer) {
        StringBuilder b = new StringBuilder("layer 12:strata:agent\n");
        for (AgentLayer.File f : layer.files()) {
            b.append("file ").append(f.path().length()).append(':').append(f.path()).append(' ')
                    .append(String.format("4:%04o", f.mode())).append(" 3:0:0 71:sha256:").append(InputsHasher.sha256(f.bytes()))
                    .append('\n');
        }
        return b.toString();
    }

    static String goldenEdgeText() throws IOException {
        String doc = Files.readString(Path.of("docs/inputs-digest.md"), StandardCharsets.UTF_8);
        String[] parts = doc.split("```");
        for (int i = 1; i < parts.length; i += 2) {
            String block = parts[i].substring(1);
            if (block.startsWith("layout 15:strata-layout/1\nbase 71:")) return block;
        }
        throw new AssertionError("no canonical text of edge in docs/inputs-digest.md");
    }

    @Test
    void aBootcGroupsImageEndsWithTheAgentLayerAndNothingElseInItsEncodingChanges() throws IOException {
        InputsDigest d = digests(write(one, sources()), withGroup(MachineGroup.Delivery.BOOTC, Agent.DEFAULT), BASE).get("edge");

        String text = goldenEdgeText() + agentText(AgentLayer.of(AgentLayer.Kind.BOOTC));
        assertThat(d.digest()).isEqualTo("sha256:" + InputsHasher.sha256(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(d.layers()).extracting(InputsDigest.LayerDigest::name).containsExactly("config", "agent", "strata:agent");
        assertThat(d.layers().get(2).entries()).containsKeys("/usr/libexec/strata/strata-agent",
                "/usr/lib/systemd/system/strata-agent.timer", "/usr/lib/systemd/system/strata-agent-check.service",
                "/etc/systemd/system/bootc-fetch-apply-updates.timer");
    }

    @Test
    void aZincatiGroupGetsTheCheckOnlyAndAGroupThatOptsOutGetsNoAgent() throws IOException {
        Path root = write(one, sources());
        InputsDigest zincati = digests(root, withGroup(MachineGroup.Delivery.ZINCATI, Agent.DEFAULT), BASE).get("edge");
        String text = goldenEdgeText() + agentText(AgentLayer.of(AgentLayer.Kind.ZINCATI));
        assertThat(zincati.digest()).isEqualTo("sha256:" + InputsHasher.sha256(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(zincati.layers().get(2).entries()).containsKey("/usr/lib/systemd/system/strata-agent-check.service.d/10-zincati.conf")
                .doesNotContainKey("/usr/lib/systemd/system/strata-agent.timer");

        Agent off = new Agent(false, Agent.DEFAULT_CONNECTIVITY_TIMEOUT, List.of());
        assertThat(digests(root, withGroup(MachineGroup.Delivery.BOOTC, off), BASE).get("edge").digest()).isEqualTo(EDGE_DIGEST);
        assertThat(digests(root, withGroup(MachineGroup.Delivery.BOOTC, Agent.DEFAULT), BASE).get("edge-gpu").layers())
                .as("an image no group runs gets no agent layer of its own").extracting(InputsDigest.LayerDigest::name)
                .containsExactly("gpu");
    }

    @Test
    void aChangedAgentFileChangesTheDigestButTheAgentsSettingsDoNot() throws IOException {
        InputsHasher hasher = new InputsHasher(new FolderTree(write(one, sources())));
        AgentLayer agent = AgentLayer.of(AgentLayer.Kind.BOOTC);
        List<AgentLayer.File> files = new ArrayList<>(agent.files());
        AgentLayer.File script = files.get(files.size() - 1);
        byte[] changed = (new String(script.bytes(), StandardCharsets.UTF_8) + "# one more line\n").getBytes(StandardCharsets.UTF_8);
        files.set(files.size() - 1, new AgentLayer.File(script.path(), script.mode(), changed));

        InputsDigest before = hasher.encode(edge(), BASE, Optional.of(agent));
        InputsDigest after = hasher.encode(edge(), BASE, Optional.of(new AgentLayer(AgentLayer.Kind.BOOTC, files)));
        assertThat(after.digest()).isNotEqualTo(before.digest());
        Map<String, String> was = new LinkedHashMap<>(before.layers().get(2).entries());
        Map<String, String> now = new LinkedHashMap<>(after.layers().get(2).entries());
        assertThat(now.remove("/usr/libexec/strata/strata-agent")).isNotEqualTo(was.remove("/usr/libexec/strata/strata-agent"));
        assertThat(now).as("only the script's entry changed").isEqualTo(was);

        Agent tuned = new Agent(true, java.time.Duration.ofMinutes(20), List.of(new Agent.Check(Agent.Check.Type.TCP, "10.0.0.1:53")));
        Path root = one;
        assertThat(digests(root, withGroup(MachineGroup.Delivery.BOOTC, tuned), BASE).get("edge").digest())
                .as("timeout and checks reach hosts through strata serve, not the image")
                .isEqualTo(digests(root, withGroup(MachineGroup.Delivery.BOOTC, Agent.DEFAULT), BASE).get("edge").digest());
    }

    // ---- the same inputs anywhere

    @Test
    void theSameFleetInTwoFoldersWrittenInADifferentOrderHasTheSameDigests() throws IOException {
        Map<String, String> reversed = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>(sources().keySet());
        java.util.Collections.reverse(paths);
        paths.forEach(k -> reversed.put(k, sources().get(k)));
        Files.writeString(two.resolve("unrelated.txt"), "not an input");
        Map<String, InputsDigest> a = digests(write(one, sources()), fleet(), BASE);
        Map<String, InputsDigest> b = digests(write(two, reversed), fleet(edgeGpu(), edge()), BASE);
        assertThat(b.get("edge")).isEqualTo(a.get("edge"));
        assertThat(b.get("edge-gpu")).isEqualTo(a.get("edge-gpu"));
    }

    @Test
    void theLabelsOrderInTheSpecDoesNotMatter() throws IOException {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        Image e = edge();
        assertThat(edgeDigest(fleet(new Image("edge", e.from(), ab, e.layers(), e.origin()))))
                .isEqualTo(edgeDigest(fleet(new Image("edge", e.from(), ba, e.layers(), e.origin()))));
    }

    // ---- every change a machine could notice changes it

    @Test
    void oneChangedByteOfASourceFileChangesTheDigest() throws IOException {
        Map<String, String> changed = sources();
        changed.put("images/files/wan.nmconnection", WAN.replace("wan", "wam"));
        assertThat(digests(write(two, changed), fleet(), BASE).get("edge").digest()).isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aChangedModeChangesTheDigest() throws IOException {
        assertThat(edgeDigest(fleet(withFirstFile(f -> new Layer.FileEntry(f.path(), f.source(), f.content(), 0640, f.owner(), f.secret())))))
                .isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aChangedOwnerChangesTheDigest() throws IOException {
        assertThat(edgeDigest(fleet(withFirstFile(f -> new Layer.FileEntry(f.path(), f.source(), f.content(), f.mode(), "0:1000", f.secret())))))
                .isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aChangedLabelChangesTheDigest() throws IOException {
        Image e = edge();
        assertThat(edgeDigest(fleet(new Image("edge", e.from(), Map.of("org.opencontainers.image.title", "edge2"), e.layers(), e.origin()))))
                .isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aChangedUnitChangesTheDigest() throws IOException {
        assertThat(edgeDigest(fleet(withConfig(l -> new Layer(l.name(), l.files(), l.directories(),
                new Layer.SystemdUnits(List.of("edge-agent.service"), List.of("systemd-resolved.service"), List.of()),
                l.kernelArguments()))))).isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aChangedKernelArgumentChangesTheDigest() throws IOException {
        assertThat(edgeDigest(fleet(withConfig(l -> new Layer(l.name(), l.files(), l.directories(), l.systemd(),
                List.of("console=ttyS0,9600")))))).isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void aMovedBaseChangesTheDigest() throws IOException {
        String other = "sha256:" + "0".repeat(64);
        assertThat(digests(write(one, sources()), fleet(), other).get("edge").digest()).isNotEqualTo(EDGE_DIGEST);
    }

    @Test
    void makingAFileSecretDoesNotChangeTheBytesItPlacesSoNotTheDigest() throws IOException {
        assertThat(edgeDigest(fleet(withFirstFile(f -> new Layer.FileEntry(f.path(), f.source(), f.content(), f.mode(), f.owner(), true)))))
                .isEqualTo(EDGE_DIGEST);
    }

    @Test
    void anImageBuiltOnAnotherChangesWhenItsParentsInputsChange() throws IOException {
        write(one, sources());
        String before = digests(one, fleet(), BASE).get("edge-gpu").digest();
        assertThat(digests(one, fleet(), "sha256:" + "0".repeat(64)).get("edge-gpu").digest()).isNotEqualTo(before);
        assertThat(digests(one, fleet(withConfig(l -> new Layer(l.name(), l.files(), l.directories(), l.systemd(), List.of())),
                edgeGpu()), BASE).get("edge-gpu").digest()).isNotEqualTo(before);
    }

    // ---- bases

    @Test
    void anImageOnAnUnresolvedStreamAndItsChildrenHaveNoDigest() throws IOException {
        Map<String, InputsDigest> d = new InputsHasher(new FolderTree(write(one, sources()))).digests(fleet(), Map.of());
        assertThat(d).isEmpty();
    }

    @Test
    void anImageFromADigestReferenceIsBasedOnThatDigest() throws IOException {
        Image e = edge();
        Image pinned = new Image("edge", new ImageSource.FromRef("quay.io/fedora/fedora-coreos@" + BASE), e.labels(), e.layers(), e.origin());
        assertThat(digests(write(one, sources()), fleet(pinned), BASE).get("edge").digest()).isEqualTo(EDGE_DIGEST);
    }

    @Test
    void aSourceOutsideTheRepositoryIsRefused() throws IOException {
        Image e = edge();
        Layer bad = new Layer("bad", List.of(sourced("/etc/passwd", "../../outside", 0644, "0:0")), List.of(), Layer.SystemdUnits.NONE, List.of());
        Image escaping = new Image("edge", e.from(), e.labels(), List.of(bad), e.origin());
        assertThatThrownBy(() -> digests(write(one, sources()), fleet(escaping), BASE))
                .isInstanceOf(IOException.class).hasMessageContaining("escapes the repository");
    }

    private static Image withConfig(UnaryOperator<Layer> change) {
        Image e = edge();
        List<Layer> layers = new ArrayList<>(e.layers());
        layers.set(0, change.apply(layers.get(0)));
        return new Image(e.name(), e.from(), e.labels(), layers, e.origin());
    }

    private static Image withFirstFile(UnaryOperator<Layer.FileEntry> change) {
        return withConfig(l -> {
            List<Layer.FileEntry> files = new ArrayList<>(l.files());
            files.set(0, change.apply(files.get(0)));
            return new Layer(l.name(), files, l.directories(), l.systemd(), l.kernelArguments());
        });
    }
}
