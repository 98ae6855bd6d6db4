package dev.strata.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.SyntheticImage;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multi-arch images against a real registry, checked with skopeo as a user would. */
class MultiArchBuildTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant COMMIT = Instant.parse("2026-03-01T12:00:00Z");

    /** A stand-in multi-arch base: an index of a linux/amd64 and a linux/arm64 image. */
    static String baseIndex;
    static Map<String, String> basePlatforms;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pushBase() throws Exception {
        TestRegistry r = REGISTRY.registry();
        baseIndex = r.push("fedora/fedora-coreos:multi", SyntheticImage.of("base\n")
                .withLabel("org.opencontainers.image.version", "43.20260201.3.0")
                .withPlatforms("linux/amd64", "linux/arm64"));
        basePlatforms = new java.util.TreeMap<>();
        for (JsonNode m : JSON.readTree(Skopeo.rawManifest(r, "fedora/fedora-coreos@" + baseIndex)).path("manifests")) {
            basePlatforms.put(m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText(),
                    m.path("digest").asText());
        }
    }

    private BuildFixture fleet(String prefix, String platforms) throws Exception {
        BuildFixture f = new BuildFixture(tmp.resolve("repo-" + prefix), REGISTRY.registry())
                .fleet(prefix, "fedora/fedora-coreos", baseIndex);
        f.write("images/edge.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: edge}
                spec:
                  from: {stream: fcos}
                  platforms: %s
                  labels: {org.opencontainers.image.title: edge}
                  layers:
                    - name: config
                      files:
                        - {path: /etc/chrony.d/edge.conf, content: "server ntp1 iburst\\n", mode: "0640"}
                        - {path: /etc/motd, content: "edge\\n"}
                """.formatted(platforms));
        f.write("images/plain.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: plain}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: config
                      files:
                        - {path: /etc/motd, content: "plain\\n"}
                """);
        return f;
    }

    @Test
    void pushesAnOciIndexWithOneImagePerPlatformSharingTheFileLayers() throws Exception {
        TestRegistry r = REGISTRY.registry();
        BuildFixture f = fleet("ma", "[linux/amd64, linux/arm64]");
        Desired desired = f.desired("c1");
        Build b;
        try (JibImageBuilder builder = f.builder(COMMIT, tmp.resolve("work"))) {
            b = f.build(builder, desired, "edge");
        }
        String tag = "ma/edge:" + Labels.inputsTag(b.inputsDigest());
        JsonNode index = JSON.readTree(Skopeo.rawManifest(r, tag));
        assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(Skopeo.rawDigest(r, tag)).isEqualTo(b.imageDigest());
        assertThat(b.reference()).isEqualTo(r.reference("ma/edge") + "@" + b.imageDigest());
        List<String> listed = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            String platform = m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText();
            listed.add(platform);
            assertThat(m.path("digest").asText()).isEqualTo(b.platforms().get(platform));
            assertThat(m.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        }
        assertThat(listed).containsExactly("linux/amd64", "linux/arm64");

        // A machine of each architecture pulls its own image: its config says so and carries the labels.
        JsonNode arm = Skopeo.inspectArch(r, tag, "arm64", false);
        assertThat(arm.path("Architecture").asText()).isEqualTo("arm64");
        assertThat(arm.path("Digest").asText()).isEqualTo(b.imageDigest()); // skopeo names the index it chose from
        assertThat(arm.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("edge");
        assertThat(arm.path("Labels").path("org.opencontainers.image.base.digest").asText()).isEqualTo(baseIndex);
        assertThat(arm.path("Created").asText()).isEqualTo("2026-03-01T12:00:00Z");
        JsonNode amd = Skopeo.inspectArch(r, tag, "amd64", false);
        assertThat(amd.path("Architecture").asText()).isEqualTo("amd64");
        assertThat(amd.path("Labels")).isEqualTo(arm.path("Labels"));

        // Each platform's image sits on that platform's base manifest, and the file layers are the same blobs.
        JsonNode armManifest = JSON.readTree(Skopeo.rawManifest(r, "ma/edge@" + b.platforms().get("linux/arm64")));
        JsonNode amdManifest = JSON.readTree(Skopeo.rawManifest(r, "ma/edge@" + b.platforms().get("linux/amd64")));
        assertThat(arm.path("Layers").toString()).isEqualTo(JSON.valueToTree(layers(armManifest)).toString());
        assertThat(amd.path("Layers").toString()).isEqualTo(JSON.valueToTree(layers(amdManifest)).toString());
        assertThat(Skopeo.rawDigest(r, "ma/edge@" + b.platforms().get("linux/arm64"))).isEqualTo(b.platforms().get("linux/arm64"));
        assertThat(Skopeo.rawDigest(r, "ma/edge:" + MultiArch.platformTag(Labels.inputsTag(b.inputsDigest()), "linux/arm64")))
                .isEqualTo(b.platforms().get("linux/arm64"));
        List<String> armLayers = layers(armManifest);
        List<String> amdLayers = layers(amdManifest);
        List<String> armBase = layers(JSON.readTree(Skopeo.rawManifest(r, "fedora/fedora-coreos@" + basePlatforms.get("linux/arm64"))));
        List<String> amdBase = layers(JSON.readTree(Skopeo.rawManifest(r, "fedora/fedora-coreos@" + basePlatforms.get("linux/amd64"))));
        assertThat(armLayers.subList(0, armBase.size())).isEqualTo(armBase);
        assertThat(amdLayers.subList(0, amdBase.size())).isEqualTo(amdBase);
        assertThat(armLayers.subList(armBase.size(), armLayers.size()))
                .hasSize(1).isEqualTo(amdLayers.subList(amdBase.size(), amdLayers.size()));
        assertThat(armManifest.path("config").path("digest").asText())
                .isNotEqualTo(amdManifest.path("config").path("digest").asText());
    }

    @Test
    void theSameInputsGiveTheSameIndexDigest() throws Exception {
        BuildFixture one = fleet("one", "[linux/amd64, linux/arm64]");
        BuildFixture two = fleet("two", "[linux/amd64, linux/arm64]");
        Build first;
        Build second;
        try (JibImageBuilder builder = one.builder(COMMIT, tmp.resolve("w1"))) {
            first = one.build(builder, one.desired("c1"), "edge");
        }
        try (JibImageBuilder builder = two.builder(COMMIT, tmp.resolve("w2"))) {
            second = two.build(builder, two.desired("c1"), "edge");
        }
        assertThat(second.imageDigest()).isEqualTo(first.imageDigest());
        assertThat(second.platforms()).isEqualTo(first.platforms()).hasSize(2);
        // Found by its inputs tag the next time: not built again, the same platforms recorded.
        try (JibImageBuilder builder = one.builder(COMMIT, tmp.resolve("w3"))) {
            Build again = one.build(builder, one.desired("c2"), "edge");
            assertThat(again.imageDigest()).isEqualTo(first.imageDigest());
            assertThat(again.platforms()).isEqualTo(first.platforms());
        }
        assertThat(one.log).anyMatch(l -> l.contains("already pushed"));
    }

    @Test
    void aPlatformTheBaseLacksFailsThatImageWithItsNameAndTheBaseAndOthersStillBuild() throws Exception {
        BuildFixture f = fleet("miss", "[linux/amd64, linux/s390x]");
        Desired desired = f.desired("c1");
        try (JibImageBuilder builder = f.builder(COMMIT, tmp.resolve("work"))) {
            assertThatThrownBy(() -> f.build(builder, desired, "edge"))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("image edge")
                    .hasMessageContaining("no image for platform linux/s390x")
                    .hasMessageContaining("fedora/fedora-coreos@" + baseIndex)
                    .hasMessageContaining("it has linux/amd64, linux/arm64");
            Build plain = f.build(builder, desired, "plain");
            assertThat(plain.platforms()).isEmpty();
            assertThat(Skopeo.rawDigest(REGISTRY.registry(), "miss/plain:" + Labels.inputsTag(plain.inputsDigest())))
                    .isEqualTo(plain.imageDigest());
        }
    }

    @Test
    void aMultiArchImageNeedsARegistry() throws Exception {
        BuildFixture f = fleet(null, "[linux/amd64, linux/arm64]");
        try (JibImageBuilder builder = f.builder(COMMIT, tmp.resolve("work"))) {
            assertThatThrownBy(() -> f.build(builder, f.desired("c1"), "edge"))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("needs a registry");
        }
    }

    private static List<String> layers(JsonNode manifest) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) out.add(l.path("digest").asText());
        return out;
    }
}
