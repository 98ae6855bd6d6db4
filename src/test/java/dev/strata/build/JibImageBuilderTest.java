package dev.strata.build;

import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builds against a real registry, checked as a user would: skopeo inspect, and the layers skopeo copies out. */
class JibImageBuilderTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    static final Instant BASE_CREATED = Instant.parse("2026-02-01T08:00:00Z");
    static final FcosLikeBase BASE = FcosLikeBase.of("43.20260201.3.0", BASE_CREATED);
    static String baseDigest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pushBase() throws Exception {
        baseDigest = BASE.push(REGISTRY.registry(), "fedora/fedora-coreos:stable");
    }

    private BuildFixture fleet(String prefix) throws Exception {
        TestRegistry r = REGISTRY.registry();
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), r).fleet(prefix, "fedora/fedora-coreos", baseDigest);
        f.write("images/files/node-exporter.service", "[Unit]\nDescription=node exporter\n[Service]\nExecStart=/usr/bin/true\n"
                + "[Install]\nWantedBy=multi-user.target network-online.target\n");
        f.write("images/files/bond0.nmconnection", "[connection]\nid=bond0\n");
        f.write("images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  labels: {org.opencontainers.image.description: "datacenter"}
                  layers:
                    - name: network
                      files:
                        - {path: /etc/NetworkManager/system-connections/bond0.nmconnection, source: files/bond0.nmconnection, mode: "0600"}
                        - {path: /etc/chrony.d/dc.conf, content: "server ntp1 iburst\\n", mode: "0640", owner: "0:998"}
                    - name: monitoring
                      files:
                        - {path: /etc/systemd/system/node-exporter.service, source: files/node-exporter.service}
                      directories:
                        - {path: /etc/node-exporter, mode: "0750", owner: "1000:1000"}
                      systemd: {enable: [node-exporter.service, fstrim.timer], mask: [systemd-resolved.service], disable: [zincati.service]}
                      kernelArguments: ["console=ttyS0,115200", "quoted=\\"a b\\""]
                """);
        f.write("images/dc-child.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc-child}
                spec:
                  from: {image: dc}
                  layers:
                    - name: extra
                      files:
                        - {path: /etc/motd, content: "child\\n"}
                """);
        return f;
    }

    @Test
    void buildsLayersWithExactModesOwnersUnitsAndKernelArguments() throws Exception {
        BuildFixture f = fleet("fleet");
        Instant commit = Instant.parse("2026-03-01T10:00:00Z");
        Desired desired = f.desired("c0ffee");
        Build b = f.build(f.builder(commit, tmp.resolve("work")), desired, "dc");

        String tag = "fleet/dc:" + Labels.inputsTag(desired.inputs().get("dc").digest());
        assertThat(Skopeo.digest(f.registry, tag)).isEqualTo(b.imageDigest());
        assertThat(b.reference()).isEqualTo(f.registry.reference("fleet/dc@" + b.imageDigest()));
        assertThat(b.baseDigest()).isEqualTo(baseDigest);
        assertThat(b.baseVersion()).contains("43.20260201.3.0");

        OciImage image = OciImage.read(Skopeo.copyToOciDir(f.registry, tag, tmp.resolve("oci")));
        assertThat(image.layers()).hasSize(3); // the base's, then the two spec layers
        Map<String, OciImage.Entry> added = image.lastLayers(2);
        assertThat(added.get("etc/NetworkManager/system-connections/bond0.nmconnection"))
                .satisfies(e -> assertThat(e.modeOctal()).isEqualTo("0600"))
                .satisfies(e -> assertThat(e.owner()).isEqualTo("0:0"))
                .satisfies(e -> assertThat(e.text()).isEqualTo("[connection]\nid=bond0\n"));
        assertThat(added.get("etc/chrony.d/dc.conf")).satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0640 0:998"));
        assertThat(added.get("etc/chrony.d")).satisfies(e -> assertThat(e.directory()).isTrue())
                .satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0755 0:0"));
        assertThat(added.get("etc/node-exporter")).satisfies(e -> assertThat(e.directory()).isTrue())
                .satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0750 1000:1000"));
        // enable: a drop-in per install target of the unit (its WantedBy=), or the type's default target
        assertThat(added.get("etc/systemd/system/multi-user.target.d/strata-enable-node-exporter.service.conf").text())
                .contains("[Unit]\nWants=node-exporter.service\n");
        assertThat(added).containsKey("etc/systemd/system/network-online.target.d/strata-enable-node-exporter.service.conf");
        assertThat(added.get("etc/systemd/system/timers.target.d/strata-enable-fstrim.timer.conf").text()).contains("Wants=fstrim.timer");
        // mask: an empty unit file; disable: a whiteout of the base's wants link
        assertThat(added.get("etc/systemd/system/systemd-resolved.service").content()).isEmpty();
        assertThat(added).containsKey("etc/systemd/system/multi-user.target.wants/.wh.zincati.service");
        assertThat(added.get("usr/lib/bootc/kargs.d/strata-dc-02-monitoring.toml").text())
                .endsWith("kargs = [\"console=ttyS0,115200\", \"quoted=\\\"a b\\\"\"]\n");
        assertThat(added.values()).allSatisfy(e -> assertThat(e.owner()).isIn("0:0", "0:998", "1000:1000"));

        // created is the commit time (later than the base's); labels as protocols.md section 5 says
        assertThat(image.created()).isEqualTo(commit);
        Map<String, String> labels = Skopeo.labels(f.registry, tag);
        String inputs = desired.inputs().get("dc").digest();
        assertThat(labels)
                .containsEntry("containers.bootc", "1")
                .containsEntry("ostree.bootable", "1")
                .containsEntry("com.coreos.stream", "stable")
                .containsEntry("org.opencontainers.image.version", "43.20260201.3.0.strata." + inputs.substring(7, 19))
                .containsEntry("org.opencontainers.image.revision", "c0ffee")
                .containsEntry("org.opencontainers.image.created", "2026-03-01T10:00:00Z")
                .containsEntry("org.opencontainers.image.title", "dc")
                .containsEntry("org.opencontainers.image.base.name", f.registry.reference("fedora/fedora-coreos:stable"))
                .containsEntry("org.opencontainers.image.base.digest", baseDigest)
                .containsEntry("org.opencontainers.image.description", "datacenter")
                .containsEntry("dev.strata.image", "dc")
                .containsEntry("dev.strata.inputs", inputs);
    }

    @Test
    void createdIsTheBaseTimeWhenTheCommitIsOlder() throws Exception {
        BuildFixture f = fleet("older");
        Desired desired = f.desired("c0ffee");
        Build b = f.build(f.builder(Instant.parse("2025-06-01T00:00:00Z"), tmp.resolve("work")), desired, "dc");
        OciImage image = OciImage.read(Skopeo.copyToOciDir(f.registry, "older/dc@" + b.imageDigest(), tmp.resolve("oci")));
        assertThat(image.created()).isEqualTo(BASE_CREATED);
    }

    @Test
    void sameInputsAtTheSameCommitGiveTheSameDigestAndAPushedImageIsNotBuiltAgain() throws Exception {
        BuildFixture f = fleet("repro-a");
        Instant commit = Instant.parse("2026-03-01T10:00:00Z");
        Desired desired = f.desired("c0ffee");
        Build first = f.build(f.builder(commit, tmp.resolve("work-1")), desired, "dc");
        Build elsewhere = f.build(f.builder(commit, tmp.resolve("work-2"), Optional.of(f.registry.reference("repro-b"))),
                desired, "dc");
        assertThat(elsewhere.imageDigest()).isEqualTo(first.imageDigest());
        assertThat(elsewhere.reference()).contains("/repro-b/dc@");

        f.log.clear();
        Build again = f.build(f.builder(commit, tmp.resolve("work-3")), desired, "dc");
        assertThat(again.imageDigest()).isEqualTo(first.imageDigest());
        assertThat(f.log).singleElement().asString().contains("already pushed");
    }

    @Test
    void anImageBuiltOnAnImageUsesItsParentsBuild() throws Exception {
        BuildFixture f = fleet("chain");
        Desired desired = f.desired("c0ffee");
        JibImageBuilder builder = f.builder(Instant.parse("2026-03-01T10:00:00Z"), tmp.resolve("work"));
        assertThatThrownBy(() -> f.build(builder, desired, "dc-child"))
                .hasMessageContaining("its base image dc is not built")
                .hasMessageContaining("repository chain/dc on registry " + f.registry.host());
        Build parent = f.build(builder, desired, "dc");
        Build child = f.build(builder, desired, "dc-child");
        assertThat(child.baseDigest()).isEqualTo(parent.imageDigest());
        OciImage image = OciImage.read(Skopeo.copyToOciDir(f.registry, "chain/dc-child@" + child.imageDigest(), tmp.resolve("oci")));
        assertThat(image.layers()).hasSize(4);
        assertThat(image.files().get("etc/motd").text()).isEqualTo("child\n");
        assertThat(image.labels())
                .containsEntry("org.opencontainers.image.base.digest", parent.imageDigest())
                .containsEntry("dev.strata.image", "dc-child")
                .containsEntry("org.opencontainers.image.version", "43.20260201.3.0.strata."
                        + desired.inputs().get("dc-child").digest().substring(7, 19));
    }

    @Test
    void withNoRegistryWritesAnOciArchiveSkopeoReads() throws Exception {
        BuildFixture f = fleet(null);
        Desired desired = f.desired("c0ffee");
        Build b = f.build(f.builder(Instant.parse("2026-03-01T10:00:00Z"), tmp.resolve("state")), desired, "dc");
        Path archive = tmp.resolve("state/images/dc-" + desired.inputs().get("dc").digest().substring(7, 19) + ".tar");
        assertThat(b.reference()).isEqualTo("oci-archive:" + archive);
        var inspected = Skopeo.inspect("oci-archive:" + archive);
        assertThat(inspected.path("Labels").path("dev.strata.image").asText()).isEqualTo("dc");
        assertThat(inspected.path("Digest").asText()).isEqualTo(b.imageDigest());
    }

    @Test
    void aMissingBaseFailsNamingRegistryAndRepository() throws Exception {
        TestRegistry r = REGISTRY.registry();
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), r)
                .fleet("missing", "fedora/nowhere", "sha256:" + "ab".repeat(32));
        f.write("images/a.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: a}
                spec:
                  from: {stream: fcos}
                  layers: [{name: l, files: [{path: /etc/a, content: "a"}]}]
                """);
        Desired desired = f.desired("c0ffee");
        assertThatThrownBy(() -> f.build(f.builder(Instant.parse("2026-03-01T10:00:00Z"), tmp.resolve("work")), desired, "a"))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("fedora/nowhere")
                .hasMessageContaining(r.host());
    }
}
