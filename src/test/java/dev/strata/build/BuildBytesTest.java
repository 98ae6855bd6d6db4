package dev.strata.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.CountingProxy;
import dev.strata.testing.FcosLikeBase;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes a build moves, counted message by message by a relay in front of real registries: a base in
 * the same registry is neither downloaded nor uploaded (its layers are mounted), so what goes up is the
 * new layers, the config and the manifest; a base in another registry is streamed across once per run,
 * never stored on disk, and later images mount it.
 */
class BuildBytesTest {
    @RegisterExtension
    static final RegistryExtension HOME = new RegistryExtension();
    @RegisterExtension
    static final RegistryExtension ELSEWHERE = new RegistryExtension();

    static final FcosLikeBase BASE = FcosLikeBase.of("43.20260201.3.0", Instant.parse("2026-02-01T08:00:00Z"))
            .withPayload(4, 1 << 20);
    static final Instant COMMIT = Instant.parse("2026-03-01T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<CountingProxy> proxies = new ArrayList<>();

    @AfterEach
    void closeProxies() {
        proxies.forEach(CountingProxy::close);
    }

    private CountingProxy proxy(TestRegistry r) throws Exception {
        CountingProxy p = CountingProxy.start(r.port());
        proxies.add(p);
        return p;
    }

    private static String image(String name, String content) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: %s}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: network
                      files:
                        - {path: /etc/NetworkManager/system-connections/bond0.nmconnection, content: "%s", mode: "0600"}
                        - {path: /etc/chrony.d/dc.conf, content: "server ntp1 iburst\\n"}
                    - name: monitoring
                      directories: [{path: /etc/node-exporter, mode: "0750"}]
                      systemd: {enable: [node-exporter.service], disable: [zincati.service]}
                      kernelArguments: ["console=ttyS0,115200"]
                """.formatted(name, content);
    }

    /** A pushed image's manifest: its layers (digest -> size), its config size, and its own size in bytes. */
    record Pushed(Map<String, Long> layers, long config, long manifest) {
        static Pushed of(TestRegistry r, String reference) throws Exception {
            byte[] raw = Skopeo.rawManifest(r, reference);
            JsonNode m = JSON.readTree(raw);
            Map<String, Long> layers = new LinkedHashMap<>();
            for (JsonNode l : m.path("layers")) layers.put(l.path("digest").asText(), l.path("size").asLong());
            return new Pushed(layers, m.path("config").path("size").asLong(), raw.length);
        }

        long newLayerBytes(Set<String> base) {
            return layers.entrySet().stream().filter(e -> !base.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private static boolean touchesBlob(CountingProxy.Exchange e, Set<String> digests) {
        return digests.stream().anyMatch(d -> e.path().contains("/blobs/" + d));
    }

    @Test
    void aBaseInTheSameRegistryIsMountedAndOnlyTheNewLayersConfigAndManifestGoUp() throws Exception {
        TestRegistry r = HOME.registry();
        String baseDigest = BASE.push(r, "fedora/fedora-coreos:stable");
        Pushed base = Pushed.of(r, "fedora/fedora-coreos@" + baseDigest);
        assertThat(base.layers()).hasSize(5);
        CountingProxy p = proxy(r);
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), r)
                .fleetAt(p.reference("bytes"), p.reference("fedora/fedora-coreos"), baseDigest, p.host());
        f.write("images/dc.yaml", image("dc", "[connection]\\nid=bond0\\n"));
        Desired desired = f.desired("c0ffee");

        Build b = f.build(f.builder(COMMIT, tmp.resolve("work")), desired, "dc");

        Pushed pushed = Pushed.of(r, "bytes/dc@" + b.imageDigest());
        long newLayers = pushed.newLayerBytes(base.layers().keySet());
        long expected = newLayers + pushed.config() + pushed.manifest();
        CountingProxy.Totals t = p.totals();
        List<CountingProxy.Exchange> log = p.exchanges();
        String report = "new layers " + newLayers + " B, config " + pushed.config() + " B, manifest " + pushed.manifest()
                + " B; moved up " + t.bodiesUp() + " B, down " + t.bodiesDown() + " B; heads up " + t.headsUp()
                + " B, down " + t.headsDown() + " B in " + t.requests() + " requests\n"
                + log.stream().map(e -> e.method() + " " + e.path() + " " + e.status() + " " + e.requestBody() + "/" + e.responseBody())
                .collect(Collectors.joining("\n"));
        System.out.println("BuildBytesTest same registry: " + report.lines().findFirst().orElseThrow());

        assertThat(pushed.layers()).hasSize(base.layers().size() + 2);
        // No base layer was read or written: every one was mounted (201), none fetched, none uploaded.
        assertThat(log).as(report).noneMatch(e -> e.method().equals("GET") && touchesBlob(e, base.layers().keySet()));
        assertThat(log.stream().filter(e -> e.method().equals("PATCH")).mapToLong(CountingProxy.Exchange::requestBody).sum())
                .as(report).isEqualTo(newLayers + pushed.config());
        assertThat(log.stream().filter(e -> e.method().equals("POST") && e.path().contains("mount=") && e.status() == 201))
                .as(report).hasSize(base.layers().size());
        // The bytes moved up are the new layers, the config and the manifest, within 5%.
        assertThat(t.bodiesUp()).as(report).isBetween(expected, expected + expected / 20);
        // Down: the base's manifest and config and the registry's answers; far less than one base layer.
        assertThat(t.bodiesDown()).as(report).isLessThan(64 * 1024);
        assertThat(f.log).noneMatch(l -> l.contains("copied"));
    }

    @Test
    void aBaseInAnotherRegistryIsStreamedAcrossOncePerRunAndNeverWrittenToDisk() throws Exception {
        TestRegistry from = ELSEWHERE.registry();
        TestRegistry to = HOME.registry();
        String baseDigest = BASE.push(from, "fedora/fedora-coreos:stable");
        Pushed base = Pushed.of(from, "fedora/fedora-coreos@" + baseDigest);
        long baseBytes = base.layers().values().stream().mapToLong(Long::longValue).sum();
        CountingProxy pFrom = proxy(from);
        CountingProxy pTo = proxy(to);
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), to)
                .fleetAt(pTo.reference("across"), pFrom.reference("fedora/fedora-coreos"), baseDigest, pFrom.host(), pTo.host());
        for (String name : List.of("one", "two", "three")) f.write("images/" + name + ".yaml", image(name, name));
        Desired desired = f.desired("c0ffee");
        Path work = tmp.resolve("work");
        JibImageBuilder builder = f.builder(COMMIT, work);

        // Three images at once: one copies each layer, the others wait for it and mount it.
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Map<String, Future<Build>> running = new LinkedHashMap<>();
        for (String name : List.of("one", "two", "three")) {
            Callable<Build> build = () -> builder.build(new Action.BuildImage(name, desired.inputs().get(name).digest(),
                    Action.BuildCause.NEW_IMAGE, List.of(), "test"), desired);
            running.put(name, pool.submit(build));
        }
        Map<String, Build> built = new LinkedHashMap<>();
        for (var e : running.entrySet()) built.put(e.getKey(), e.getValue().get());
        pool.shutdown();

        long downFrom = pFrom.exchanges().stream().filter(e -> e.method().equals("GET") && touchesBlob(e, base.layers().keySet()))
                .mapToLong(CountingProxy.Exchange::responseBody).sum();
        long uploadsTo = pTo.exchanges().stream().filter(e -> e.method().equals("PATCH"))
                .mapToLong(CountingProxy.Exchange::requestBody).sum();
        String report = "base " + baseBytes + " B; downloaded from the base's registry " + downFrom + " B; uploaded "
                + uploadsTo + " B (PATCH bodies)";
        System.out.println("BuildBytesTest other registry: " + report);

        // Each base layer came down once and went up once, for all three images.
        assertThat(downFrom).as(report).isEqualTo(baseBytes);
        assertThat(pFrom.totals().bodiesDown()).as(report).isLessThan(baseBytes + 64 * 1024);
        long newBlobs = 0;
        for (Build b : built.values()) {
            Pushed pushed = Pushed.of(to, "across/" + b.image() + "@" + b.imageDigest());
            newBlobs += pushed.newLayerBytes(base.layers().keySet()) + pushed.config();
        }
        assertThat(uploadsTo).as(report).isEqualTo(baseBytes + newBlobs);
        // Streamed: no file under the work folder (caches, staging) holds a base layer.
        try (var files = Files.walk(work)) {
            assertThat(files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).max().orElse(0))
                    .as("largest file under " + work).isLessThan(1 << 20);
        }
        // What a user pulls is whole.
        Build three = built.get("three");
        OciImage image = OciImage.read(Skopeo.copyToOciDir(to, "across/three@" + three.imageDigest(), tmp.resolve("oci")));
        assertThat(image.files()).containsKeys("usr/share/payload/0.bin", "usr/share/payload/3.bin", "usr/lib/os-release",
                "etc/chrony.d/dc.conf");
        assertThat(image.files().get("usr/share/payload/3.bin").content()).hasSize(1 << 20);
    }
}
