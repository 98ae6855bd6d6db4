package dev.strata.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.ShellBase;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import dev.strata.testing.TwoPlatformShellBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Containerfile layers of a multi-arch image, built per platform by a real buildah on a two-platform
 * stand-in base in a real registry, and checked with skopeo as a user would.
 */
class ContainerfileMultiArchTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant COMMIT = Instant.parse("2026-05-01T12:00:00Z");
    static final String PLATFORMS = "[linux/amd64, linux/arm64]";

    static String baseIndex;
    static Map<String, String> basePlatforms;

    @TempDir
    Path dir;
    @TempDir
    Path work;

    @BeforeAll
    static void pushBase() throws Exception {
        TestRegistry r = REGISTRY.registry();
        baseIndex = TwoPlatformShellBase.push(r, "mirror/fcos:multi", "43.2");
        basePlatforms = new TreeMap<>();
        for (JsonNode m : JSON.readTree(Skopeo.rawManifest(r, "mirror/fcos@" + baseIndex)).path("manifests")) {
            basePlatforms.put("linux/" + m.path("platform").path("architecture").asText(), m.path("digest").asText());
        }
    }

    /** {@code copies}: file layers around a containerfile layer that only copies; {@code runs}: one that RUNs; {@code plain}. */
    private BuildFixture fixture(String prefix) throws Exception {
        BuildFixture f = new BuildFixture(dir, REGISTRY.registry()).fleet(prefix, "mirror/fcos", baseIndex);
        f.write("images/copies.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: copies}
                spec:
                  from: {stream: fcos}
                  platforms: %s
                  layers:
                    - name: before
                      files: [{path: /etc/strata/before, content: "before\\n"}]
                    - name: module
                      containerfile: {path: module/Containerfile, context: module/context}
                    - name: after
                      files: [{path: /etc/strata/after, content: "after\\n", mode: "0600"}]
                """.formatted(PLATFORMS));
        f.write("images/module/Containerfile", """
                # Copies only: buildah builds it for any platform without running anything.
                ARG STRATA_BASE
                FROM ${STRATA_BASE}
                ARG KERNEL_VERSION
                LABEL dev.strata.test.module=copied \\
                      dev.strata.test.kernel=${KERNEL_VERSION}
                COPY note.txt /usr/lib/modules/${KERNEL_VERSION}/extra/note.txt
                """);
        f.write("images/module/context/note.txt", "built for this kernel\n");
        f.write("images/runs.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: runs}
                spec:
                  from: {stream: fcos}
                  platforms: %s
                  layers:
                    - name: config
                      files: [{path: /etc/strata/config, content: "config\\n"}]
                    - name: tools
                      containerfile: {path: tools/Containerfile}
                """.formatted(PLATFORMS));
        f.write("images/tools/Containerfile", """
                ARG STRATA_BASE
                FROM ${STRATA_BASE}
                COPY Containerfile /usr/share/tools/
                RUN echo built > /usr/share/tools/stamp
                """);
        f.write("images/plain.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: plain}
                spec:
                  from: {stream: fcos}
                  platforms: %s
                  layers:
                    - name: only
                      files: [{path: /etc/strata/plain, content: "plain\\n"}]
                """.formatted(PLATFORMS));
        return f;
    }

    @Test
    void aCopyOnlyContainerfileLayerIsBuiltPerPlatformOnItsOwnBaseBetweenSharedFileLayers() throws Exception {
        TestRegistry r = REGISTRY.registry();
        BuildFixture f = fixture("cma");
        Build b;
        try (JibImageBuilder builder = f.builder(COMMIT, work)) {
            b = f.build(builder, f.desired("c0ffee"), "copies");
        }
        String tag = Labels.inputsTag(b.inputsDigest());
        JsonNode index = JSON.readTree(Skopeo.rawManifest(r, "cma/copies:" + tag));
        assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(Skopeo.rawDigest(r, "cma/copies:" + tag)).isEqualTo(b.imageDigest());
        assertThat(b.platforms()).containsOnlyKeys("linux/amd64", "linux/arm64");

        Map<String, List<String>> layers = new TreeMap<>();
        for (String p : List.of("linux/amd64", "linux/arm64")) {
            List<String> own = layers(JSON.readTree(Skopeo.rawManifest(r, "cma/copies@" + b.platforms().get(p))));
            List<String> base = layers(JSON.readTree(Skopeo.rawManifest(r, "mirror/fcos@" + basePlatforms.get(p))));
            assertThat(own).as(p + ": its own base, then before, module, after").hasSize(base.size() + 3);
            assertThat(own.subList(0, base.size())).isEqualTo(base);
            layers.put(p, own.subList(base.size(), own.size()));
        }
        List<String> amd = layers.get("linux/amd64");
        List<String> arm = layers.get("linux/arm64");
        assertThat(arm.get(0)).as("the file layer before is one blob").isEqualTo(amd.get(0));
        assertThat(arm.get(2)).as("the file layer after is one blob").isEqualTo(amd.get(2));
        assertThat(arm.get(1)).as("each platform's containerfile layer is its own").isNotEqualTo(amd.get(1));

        // What a machine of each architecture pulls: its platform in the config, its kernel's folder in the layer.
        for (String arch : List.of("amd64", "arm64")) {
            String kernel = arch.equals("arm64") ? TwoPlatformShellBase.ARM_KERNEL : ShellBase.KERNEL;
            String other = arch.equals("arm64") ? ShellBase.KERNEL : TwoPlatformShellBase.ARM_KERNEL;
            JsonNode inspected = Skopeo.inspectArch(r, "cma/copies:" + tag, arch, false);
            assertThat(inspected.path("Architecture").asText()).isEqualTo(arch);
            assertThat(inspected.path("Labels").path("dev.strata.test.module").asText()).isEqualTo("copied");
            assertThat(inspected.path("Labels").path("dev.strata.test.kernel").asText()).isEqualTo(kernel);
            assertThat(inspected.path("Labels").path("org.opencontainers.image.base.digest").asText()).isEqualTo(baseIndex);
            OciImage image = OciImage.read(Skopeo.copyToOciDir(r, "cma/copies:" + tag, work.resolve("oci-" + arch), arch));
            List<List<OciImage.Entry>> tars = image.layers();
            List<String> module = tars.get(tars.size() - 2).stream().map(OciImage.Entry::path).toList();
            assertThat(module).contains("usr/lib/modules/" + kernel + "/extra/note.txt")
                    .noneMatch(p -> p.contains(other)).noneMatch(p -> p.startsWith("etc/strata/"));
            assertThat(image.files().get("usr/lib/modules/" + kernel + "/extra/note.txt").text()).isEqualTo("built for this kernel\n");
            assertThat(image.files().get("etc/strata/after").modeOctal()).isEqualTo("0600");
            assertThat(image.created()).isEqualTo(COMMIT);
        }
        // Each platform's steps are kept under its own tags, as a single-platform image's are.
        for (String p : List.of("linux-amd64", "linux-arm64")) {
            assertThat(Skopeo.digest(r, "cma/copies:" + tag + "-" + p + "-s1")).startsWith("sha256:");
            assertThat(Skopeo.digest(r, "cma/copies:" + tag + "-" + p + "-s2")).startsWith("sha256:");
        }
        assertThat(f.log).anyMatch(l -> l.contains("layer module of image copies for linux/arm64")
                && l.contains("(kernel " + TwoPlatformShellBase.ARM_KERNEL + ")"));
    }

    @Test
    void aRunStepForAPlatformThisHostCannotRunFailsThatImageBeforeAnyPushAndOthersStillBuild() throws Exception {
        BuildFixture f = fixture("crun");
        // binfmt_misc as on a host without qemu-user-static: mounted, enabled, no emulator for arm64.
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Files.writeString(binfmt.resolve("status"), "enabled\n");
        Files.writeString(binfmt.resolve("register"), "");
        f.withBinfmt(binfmt);
        Desired desired = f.desired("c0ffee");
        try (JibImageBuilder builder = f.builder(COMMIT, work)) {
            assertThatThrownBy(() -> f.build(builder, desired, "runs")).isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("image runs cannot be built for all its platforms [linux/amd64, linux/arm64]")
                    .hasMessageContaining("layer tools runs programs (images/tools/Containerfile line 4: RUN)")
                    .hasMessageContaining("for linux/arm64 needs a builder that runs linux/arm64 programs")
                    .hasMessageContaining("no enabled binfmt_misc handler in " + binfmt + " runs arm64 programs")
                    .hasMessageContaining("apt-get install qemu-user-static")
                    .hasMessageContaining("Nothing of image runs was pushed")
                    .hasMessageNotContaining("for linux/amd64 needs");
            Build copies = f.build(builder, desired, "copies");
            assertThat(copies.platforms()).containsOnlyKeys("linux/amd64", "linux/arm64");
            Build plain = f.build(builder, desired, "plain");
            assertThat(Skopeo.rawDigest(f.registry, "crun/plain:" + Labels.inputsTag(plain.inputsDigest())))
                    .isEqualTo(plain.imageDigest());
        }
        String tag = Labels.inputsTag(desired.inputs().get("runs").digest());
        for (String t : List.of(tag, tag + "-linux-amd64", tag + "-linux-amd64-s1", tag + "-linux-amd64-s2")) {
            assertThat(status(f.registry, "crun/runs", t)).as("nothing pushed as %s", t).isEqualTo(404);
        }
    }

    @Test
    void theSameInputsBuiltAgainOnFreshBuildahStorageGiveTheSameIndexDigest(@TempDir Path work2) throws Exception {
        BuildFixture f = fixture("cagain");
        Desired desired = f.desired("c0ffee");
        Build first;
        try (JibImageBuilder builder = f.builder(COMMIT, work)) {
            first = f.build(builder, desired, "copies");
        }
        String tag = Labels.inputsTag(first.inputsDigest());
        List<String> tags = new ArrayList<>(List.of(tag));
        for (String p : List.of("linux-amd64", "linux-arm64")) tags.addAll(List.of(tag + "-" + p, tag + "-" + p + "-s1", tag + "-" + p + "-s2"));
        for (String t : tags) delete(f.registry, "cagain/copies", Skopeo.rawDigest(f.registry, "cagain/copies:" + t));
        f.builds.clear();
        try (JibImageBuilder builder = f.builder(COMMIT, work2)) {
            Build second = f.build(builder, desired, "copies");
            assertThat(second.imageDigest()).isEqualTo(first.imageDigest());
            assertThat(second.platforms()).isEqualTo(first.platforms());
        }
        assertThat(f.log).noneMatch(l -> l.contains("already pushed"));
    }

    private static List<String> layers(JsonNode manifest) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) out.add(l.path("digest").asText());
        return out;
    }

    private static int status(TestRegistry registry, String repository, String reference) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/"
                        + repository + "/manifests/" + reference)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void delete(TestRegistry registry, String repository, String digest) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry.host() + "/v2/" + repository + "/manifests/" + digest)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("DELETE %s@%s", repository, digest).isIn(202, 404);
    }
}
