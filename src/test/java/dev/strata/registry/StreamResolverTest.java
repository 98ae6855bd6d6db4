package dev.strata.registry;

import dev.strata.plan.StreamResolution;
import dev.strata.plan.StreamResolution.Source;
import dev.strata.registry.Resolution.Failed;
import dev.strata.registry.Resolution.Reason;
import dev.strata.registry.Resolution.Resolved;
import dev.strata.registry.StreamResolver.Options;
import dev.strata.spec.Fleet;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.Skopeo;
import dev.strata.testing.SyntheticImage;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.strata.registry.Specs.followed;
import static dev.strata.registry.Specs.insecure;
import static dev.strata.registry.Specs.pinned;
import static org.assertj.core.api.Assertions.assertThat;

/** Followed streams against a real registry (Debian's docker-registry), anonymous access. */
class StreamResolverTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    private static final String PIN = "sha256:" + "ab".repeat(32);
    private final StreamResolver resolver = new RegistryStreamResolver(Credentials.none(), Retry.immediate(2));

    private TestRegistry registry() {
        return REGISTRY.registry();
    }

    private Resolution resolveOne(dev.strata.spec.Stream stream, Fleet fleet, Options options) {
        return resolver.resolve(List.of(stream), fleet, options).get(stream.name()).orElseThrow();
    }

    @Test
    void aFollowedStreamResolvesToTheDigestSkopeoReports() throws Exception {
        String pushed = registry().push("fcos:stable", "stable 1");
        Resolution r = resolveOne(followed("fcos", registry().reference("fcos"), "stable"),
                insecure(registry().host()), Options.online());
        assertThat(r).isInstanceOfSatisfying(Resolved.class, ok -> {
            assertThat(ok.resolution()).isEqualTo(new StreamResolution("fcos", pushed, Optional.empty(), Source.REGISTRY));
            assertThat(ok.from()).isEqualTo(registry().reference("fcos:stable"));
            assertThat(ok.platforms()).isEmpty();
        });
        assertThat(pushed).isEqualTo(Skopeo.digest(registry(), "fcos:stable"));
    }

    @Test
    void theVersionLabelIsReadWhenTheImageHasOne() throws Exception {
        registry().push("labelled:stable", SyntheticImage.of("v").withLabel("org.opencontainers.image.version", "42.20250901.3.0"));
        Resolution r = resolveOne(followed("labelled", registry().reference("labelled"), "stable"),
                insecure(registry().host()), Options.online());
        assertThat(((Resolved) r).resolution().version()).contains("42.20250901.3.0");
    }

    @Test
    void aMultiPlatformTagResolvesToItsIndexWithEachPlatformsDigest() throws Exception {
        String index = registry().push("multi:stable", SyntheticImage.of("multi")
                .withPlatforms("linux/amd64", "linux/arm64").withLabel("org.opencontainers.image.version", "43.1"));
        Resolved r = (Resolved) resolveOne(followed("multi", registry().reference("multi"), "stable"),
                insecure(registry().host()), Options.online());
        assertThat(r.resolution().digest()).isEqualTo(index).isEqualTo(Skopeo.rawDigest(registry(), "multi:stable"));
        assertThat(r.platforms()).containsOnlyKeys("linux/amd64", "linux/arm64");
        assertThat(r.platforms().values()).doesNotContain(index);
        assertThat(r.resolution().version()).contains("43.1");
    }

    @Test
    void movingATagChangesTheResolution() throws Exception {
        var stream = followed("moving", registry().reference("moving"), "stable");
        String first = registry().push("moving:stable", "first");
        assertThat(digest(resolveOne(stream, insecure(registry().host()), Options.online()))).isEqualTo(first);
        String second = registry().push("moving:stable", "second");
        assertThat(second).isNotEqualTo(first);
        assertThat(digest(resolveOne(stream, insecure(registry().host()), Options.online()))).isEqualTo(second);
    }

    @Test
    void aStreamResolvesThroughTheFleetsMirror() throws Exception {
        String pushed = registry().push("mirror/fedora/fedora-coreos:stable", "mirrored");
        Fleet fleet = Specs.fleet(List.of(registry().host()),
                List.of(new Fleet.Mirror("quay.io/fedora", registry().reference("mirror/fedora"))));
        Resolved r = (Resolved) resolveOne(followed("fcos", "quay.io/fedora/fedora-coreos", "stable"), fleet, Options.online());
        assertThat(r.resolution().digest()).isEqualTo(pushed);
        assertThat(r.from()).isEqualTo(registry().reference("mirror/fedora/fedora-coreos:stable")
                + " (mirror of quay.io/fedora/fedora-coreos:stable)");
    }

    @Test
    void aRunMirrorAndARunInsecureRegistryAddToTheFleet() throws Exception {
        String pushed = registry().push("run/fcos:next", "run mirror");
        Options options = Options.online().withMirror(Mirrors.parse("quay.io/fedora/fedora-coreos=" + registry().reference("run/fcos")))
                .withInsecureRegistry(registry().host());
        Resolution r = resolveOne(followed("fcos", "quay.io/fedora/fedora-coreos", "next"), Specs.fleet(List.of(), List.of()), options);
        assertThat(digest(r)).isEqualTo(pushed);
    }

    @Test
    void aPinnedStreamNeedsNoNetwork() throws IOException {
        int closed = closedPort();
        Resolution r = resolveOne(pinned("fcos", "127.0.0.1:" + closed + "/fcos", PIN, "41.1"),
                insecure("127.0.0.1:" + closed), Options.online());
        assertThat(r).isEqualTo(new Resolved(new StreamResolution("fcos", PIN, Optional.of("41.1"), Source.PIN),
                "127.0.0.1:" + closed + "/fcos@" + PIN, Map.of()));
    }

    @Test
    void anUnreachableRegistryFailsNamingRegistryAndRepositoryWhileOtherStreamsResolve() throws Exception {
        String pushed = registry().push("fine:stable", "fine");
        String dead = "127.0.0.1:" + closedPort();
        Resolutions all = resolver.resolve(List.of(followed("dead", dead + "/fcos", "stable"),
                followed("fine", registry().reference("fine"), "stable")), Specs.fleet(List.of(dead, registry().host()), List.of()),
                Options.online());
        assertThat(all.resolved()).containsOnlyKeys("fine");
        assertThat(all.resolved().get("fine").digest()).isEqualTo(pushed);
        assertThat(all.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(Reason.UNREACHABLE);
            assertThat(f.reference()).isEqualTo(dead + "/fcos:stable");
            assertThat(f.message()).contains("stream dead", "registry " + dead, "repository fcos", "gave up after 2 attempts");
        });
    }

    @Test
    void aMissingTagFailsNamingTheTag() throws Exception {
        registry().push("tags:stable", "tags");
        Failed f = (Failed) resolveOne(followed("fcos", registry().reference("tags"), "nope"),
                insecure(registry().host()), Options.online());
        assertThat(f.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(f.message()).contains("tag 'nope'", "repository tags", "registry " + registry().host());
    }

    @Test
    void aMissingRepositoryFailsAsNotFound() {
        Failed f = (Failed) resolveOne(followed("fcos", registry().reference("no/such/repo"), "stable"),
                insecure(registry().host()), Options.online());
        assertThat(f.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(f.message()).contains("no/such/repo", "'stable'", registry().host());
    }

    @Test
    void aRegistryNotListedAsInsecureIsNeverReachedOverPlainHttp() throws Exception {
        registry().push("secure:stable", "secure");
        Failed f = (Failed) resolveOne(followed("fcos", registry().reference("secure"), "stable"),
                Specs.fleet(List.of(), List.of()), Options.online());
        assertThat(f.reason()).isEqualTo(Reason.INSECURE);
        assertThat(f.message()).contains("registry " + registry().host(), "repository secure", "insecureRegistries",
                "--insecure-registry " + registry().host());
    }

    @Test
    void offlineUsesTheRecordedDigestAndAsksNoRegistry() throws IOException {
        String dead = "127.0.0.1:" + closedPort();
        StreamResolution recorded = new StreamResolution("fcos", PIN, Optional.of("41.2"), Source.REGISTRY);
        Resolutions all = resolver.resolve(List.of(followed("fcos", dead + "/fcos", "stable"),
                        followed("new", dead + "/new", "stable"), pinned("pinned", dead + "/p", PIN, "1")),
                insecure(dead), Options.offline(Map.of("fcos", recorded)));
        assertThat(all.resolved()).containsOnlyKeys("fcos", "pinned");
        assertThat(all.resolved().get("fcos")).isEqualTo(new StreamResolution("fcos", PIN, Optional.of("41.2"), Source.RECORDED));
        assertThat(all.resolved().get("pinned").source()).isEqualTo(Source.PIN);
        assertThat(all.failures()).singleElement().satisfies(f -> {
            assertThat(f.stream()).isEqualTo("new");
            assertThat(f.reason()).isEqualTo(Reason.NOT_RECORDED);
            assertThat(f.message()).contains("no recorded digest", "--offline");
        });
    }

    private static String digest(Resolution r) {
        assertThat(r).isInstanceOf(Resolved.class);
        return ((Resolved) r).resolution().digest();
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
