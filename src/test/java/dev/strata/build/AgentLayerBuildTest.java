package dev.strata.build;

import dev.strata.inputs.AgentLayer;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host agent's layer in pushed images (docs/agent.md), read back from a real registry with skopeo:
 * a bootc group's image ends with the agent, its units and their enable drop-ins; a zincati group's
 * image with the connectivity check only; an image no group runs, and one whose group opts out, with
 * no agent at all.
 */
class AgentLayerBuildTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    static final FcosLikeBase BASE = FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z"));
    static final Instant COMMIT = Instant.parse("2026-03-01T10:00:00Z");
    static String baseDigest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pushBase() throws Exception {
        baseDigest = BASE.push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    private BuildFixture fleet() throws Exception {
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), REGISTRY.registry()).fleet("agent", "fedora/fedora-coreos", baseDigest);
        for (String image : new String[] {"dc", "edge", "lab", "spare"}) {
            f.write("images/" + image + ".yaml", """
                    apiVersion: strata.dev/v1alpha1
                    kind: Image
                    metadata: {name: %s}
                    spec:
                      from: {stream: fcos}
                      layers: [{name: site, files: [{path: /etc/motd, content: "%s\\n"}]}]
                    """.formatted(image, image));
        }
        f.write("groups/groups.yaml", group("dc", "bootc", "5a38c7243b581f6fa33acc35d74b7264", "")
                + "---\n" + group("edge", "zincati", "b158623dcefd60135a624a2a1e1e6ea0", "")
                + "---\n" + group("lab", "bootc", "ea4ef04dcebc699c43ddf7f50a9eefd9", "  agent: {enabled: false}\n"));
        return f;
    }

    static String group(String name, String delivery, String id, String extra) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: MachineGroup
                metadata: {name: %s}
                spec:
                  image: %s
                  delivery: %s
                  machines: [{id: %s, name: %s-01}]
                """.formatted(name, name, delivery, id, name) + extra;
    }

    private OciImage built(BuildFixture f, Desired desired, String image) throws Exception {
        Build b = f.build(f.builder(COMMIT, tmp.resolve("work")), desired, image);
        return OciImage.read(Skopeo.copyToOciDir(f.registry, "agent/" + image + "@" + b.imageDigest(), tmp.resolve("oci-" + image)));
    }

    static byte[] resource(String name) throws Exception {
        try (InputStream in = AgentLayerBuildTest.class.getResourceAsStream("/dev/strata/agent/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aBootcGroupsImageEndsWithTheAgentItsUnitsAndTheirEnableDropIns() throws Exception {
        BuildFixture f = fleet();
        Desired desired = f.desired("c0ffee");
        OciImage image = built(f, desired, "dc");

        assertThat(image.layers()).hasSize(3); // base, site, agent
        Map<String, OciImage.Entry> agent = image.lastLayers(1);
        assertThat(agent.get("usr/libexec/strata/strata-agent"))
                .satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0755 0:0"))
                .satisfies(e -> assertThat(e.content()).isEqualTo(resource("strata-agent")));
        for (String unit : new String[] {"strata-agent.service", "strata-agent.timer", "strata-agent-check.service"}) {
            assertThat(agent.get("usr/lib/systemd/system/" + unit)).as(unit)
                    .satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0644 0:0"))
                    .satisfies(e -> assertThat(e.content()).isEqualTo(resource(unit)));
        }
        assertThat(agent.get("usr/lib/systemd/system/timers.target.d/strata-enable-strata-agent.timer.conf").text())
                .endsWith("[Unit]\nWants=strata-agent.timer\n");
        assertThat(agent.get("usr/lib/systemd/system/multi-user.target.d/strata-enable-strata-agent-check.service.conf").text())
                .endsWith("[Unit]\nWants=strata-agent-check.service\n");
        assertThat(agent.get("etc/systemd/system/bootc-fetch-apply-updates.timer").content()).as("masked").isEmpty();
        assertThat(agent.get("etc/systemd/system/zincati.service").content()).as("masked").isEmpty();
        assertThat(agent.get("usr/lib/systemd/system/strata-agent.timer").text()).contains("RandomizedDelaySec=");
        assertThat(agent.get("usr/lib/systemd/system/strata-agent-check.service").text())
                .contains("After=sysinit.target basic.target network-online.target", "ExecStart=/usr/libexec/strata/strata-agent check");
        assertThat(agent.values()).allSatisfy(e -> assertThat(e.owner()).isEqualTo("0:0"));

        InputsDigest in = desired.inputs().get("dc");
        assertThat(in.layers()).extracting(InputsDigest.LayerDigest::name).containsExactly("site", AgentLayer.NAME);
    }

    @Test
    void aZincatiGroupsImageGetsTheCheckOnlyAndImagesWithoutTheAgentGetNone() throws Exception {
        BuildFixture f = fleet();
        Desired desired = f.desired("c0ffee");

        Map<String, OciImage.Entry> check = built(f, desired, "edge").lastLayers(1);
        assertThat(check.keySet()).filteredOn(p -> !p.endsWith("/")).contains(
                "usr/libexec/strata/strata-agent",
                "usr/lib/systemd/system/strata-agent-check.service",
                "usr/lib/systemd/system/strata-agent-check.service.d/10-zincati.conf",
                "usr/lib/systemd/system/multi-user.target.d/strata-enable-strata-agent-check.service.conf")
                .doesNotContain("usr/lib/systemd/system/strata-agent.timer", "usr/lib/systemd/system/strata-agent.service",
                        "etc/systemd/system/zincati.service");
        assertThat(check.get("usr/lib/systemd/system/strata-agent-check.service.d/10-zincati.conf").text())
                .contains("Environment=STRATA_DELIVERY=zincati");
        assertThat(check.get("usr/libexec/strata/strata-agent").modeOctal()).isEqualTo("0755");

        for (String image : new String[] {"lab", "spare"}) {
            OciImage none = built(f, desired, image);
            assertThat(none.layers()).as(image).hasSize(2);
            assertThat(none.files()).as(image).doesNotContainKey("usr/libexec/strata/strata-agent");
            assertThat(desired.inputs().get(image).layers()).extracting(InputsDigest.LayerDigest::name).containsExactly("site");
        }
    }
}
