package dev.strata.build;

import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.ShellBase;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Containerfile layers built by a real buildah on a base with a shell, pushed to a real registry: layer
 * order as the spec says, Strata's labels on top, the kernel version read from the base, the same
 * digest from a second build on fresh buildah storage, and a clear failure where no buildah is installed.
 */
class ContainerfileBuildTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final Instant COMMIT = Instant.parse("2026-04-01T12:00:00Z");

    @TempDir
    Path dir;
    @TempDir
    Path work;

    private BuildFixture fixture(String prefix) throws Exception {
        TestRegistry registry = REGISTRY.registry();
        String base = ShellBase.push(registry, "mirror/fcos:stable", "43.1");
        BuildFixture f = new BuildFixture(dir, registry).fleet(prefix, "mirror/fcos", base);
        f.write("images/mixed.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: mixed}
                spec:
                  from: {stream: fcos}
                  labels: {team: edge}
                  layers:
                    - name: before
                      files: [{path: /etc/strata/before, content: "before\\n"}]
                    - name: step
                      containerfile: {path: step/Containerfile, context: step/context, args: {GREETING: hi}}
                    - name: after
                      files: [{path: /etc/strata/after, content: "after\\n"}]
                """);
        f.write("images/step/Containerfile", """
                ARG STRATA_BASE
                FROM ${STRATA_BASE}
                ARG GREETING
                ARG KERNEL_VERSION
                COPY greeting.txt /usr/share/step/
                RUN cat /etc/strata/before > /usr/share/step/saw-before && echo "$GREETING $KERNEL_VERSION" > /usr/share/step/args
                """);
        f.write("images/step/context/greeting.txt", "hello from the context\n");
        f.write("images/plain.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: plain}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: only
                      files: [{path: /etc/strata/plain, content: "plain\\n"}]
                """);
        return f;
    }

    @Test
    void fileContainerfileAndFileLayersLandInSpecOrderUnderStrataLabels() throws Exception {
        BuildFixture f = fixture("fleet");
        Desired desired = f.desired("c0ffee");
        Build b;
        try (JibImageBuilder builder = f.builder(COMMIT, work)) {
            b = f.build(builder, desired, "mixed");
        }
        String tag = Labels.inputsTag(b.inputsDigest());
        OciImage image = OciImage.read(Skopeo.copyToOciDir(f.registry, "fleet/mixed:" + tag, work.resolve("oci")));
        List<List<OciImage.Entry>> layers = image.layers();
        assertThat(layers).hasSize(4); // the base, then before, step, after
        assertThat(paths(layers.get(1))).contains("etc/strata/before").doesNotContain("usr/share/step/args");
        assertThat(paths(layers.get(2))).contains("usr/share/step/greeting.txt", "usr/share/step/args",
                "usr/share/step/saw-before").doesNotContain("etc/strata/before", "etc/strata/after");
        assertThat(paths(layers.get(3))).contains("etc/strata/after");
        Map<String, OciImage.Entry> files = image.files();
        assertThat(files.get("usr/share/step/args").text()).isEqualTo("hi " + ShellBase.KERNEL + "\n");
        assertThat(files.get("usr/share/step/saw-before").text()).isEqualTo("before\n");
        assertThat(files.get("usr/share/step/greeting.txt").text()).isEqualTo("hello from the context\n");
        assertThat(image.labels()).containsEntry("dev.strata.inputs", b.inputsDigest()).containsEntry("team", "edge")
                .containsEntry("org.opencontainers.image.base.digest", b.baseDigest())
                .containsEntry("org.opencontainers.image.version", "43.1.strata." + Labels.hex(b.inputsDigest()).substring(0, 12))
                .containsEntry("containers.bootc", "1").doesNotContainKey("io.buildah.version");
        assertThat(image.created()).isEqualTo(COMMIT);
        assertThat(Skopeo.digest(f.registry, "fleet/mixed:" + tag + "-s1")).startsWith("sha256:");
        assertThat(Skopeo.digest(f.registry, "fleet/mixed:" + tag + "-s2")).startsWith("sha256:");
    }

    @Test
    void theSameInputsBuiltAgainOnFreshBuildahStorageGiveTheSameDigest(@TempDir Path work2) throws Exception {
        BuildFixture f = fixture("again");
        Desired desired = f.desired("c0ffee");
        String first;
        try (JibImageBuilder builder = f.builder(COMMIT, work)) {
            first = f.build(builder, desired, "mixed").imageDigest();
        }
        String tag = Labels.inputsTag(desired.inputs().get("mixed").digest());
        for (String t : List.of(tag, tag + "-s1", tag + "-s2")) delete(f.registry, "again/mixed", Skopeo.digest(f.registry, "again/mixed:" + t));
        f.builds.clear();
        try (JibImageBuilder builder = f.builder(COMMIT, work2)) {
            Build second = f.build(builder, desired, "mixed");
            assertThat(second.imageDigest()).isEqualTo(first);
        }
        assertThat(f.log).noneMatch(l -> l.contains("already pushed"));
    }

    @Test
    void withoutBuildahTheImageFailsSayingWhatToInstallAndOthersStillBuild() throws Exception {
        BuildFixture f = fixture("nobuilder");
        Desired desired = f.desired("c0ffee");
        try (JibImageBuilder builder = f.withoutBuildah(work.resolve("no-such-buildah")).builder(COMMIT, work)) {
            assertThatThrownBy(() -> f.build(builder, desired, "mixed")).isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("image mixed has containerfile layers, but buildah is not installed")
                    .hasMessageContaining("apt-get install buildah");
            assertThat(f.build(builder, desired, "plain").reference()).contains("/nobuilder/plain@sha256:");
        }
        HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + f.registry.host()
                        + "/v2/nobuilder/mixed/manifests/" + Labels.inputsTag(desired.inputs().get("mixed").digest())))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).as("nothing pushed for the failed image").isEqualTo(404);
    }

    private static List<String> paths(List<OciImage.Entry> layer) {
        return layer.stream().map(OciImage.Entry::path).toList();
    }

    private static void delete(TestRegistry registry, String repository, String digest) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/" + repository + "/manifests/" + digest)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("DELETE %s@%s", repository, digest).isEqualTo(202);
    }
}
