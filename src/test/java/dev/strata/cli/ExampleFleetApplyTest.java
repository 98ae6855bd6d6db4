package dev.strata.cli;

import dev.strata.plan.Build;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;
import dev.strata.testing.CountingProxy;
import dev.strata.testing.ExampleFleet;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.ShellBase;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's "done when", end to end: {@code strata plan} and {@code strata apply} on fleet-example, in a Git
 * repository, against a real registry holding the demo's stand-in FCOS base (it has a shell, for the
 * containerfile layers) under the mirror path the run names for quay.io/fedora. All four images are built,
 * edge-wifi and dc-kmod with buildah (ContainerfileExamplesTest checks what they hold); skopeo then shows
 * dc-bonded and edge with the files, modes and labels the specs ask for; planning and applying again
 * changes nothing and writes nothing to the registry, buildah's images included.
 *
 * <p>fleet-example pins its stream to a placeholder digest; like a user trying the example, the test
 * moves the pin (a commit) to the digest of the base it pushed (docs/build.md, "Trying the example"), and
 * points edge-wifi's PACKAGE_REPO at the example's package folder, served on loopback.
 */
class ExampleFleetApplyTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    static final Path EXAMPLE = ExampleFleet.DIR;
    static final String PLACEHOLDER = "sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4";
    static final Instant COMMIT = Instant.parse("2026-04-20T09:30:00Z");
    /** A Wednesday noon: both groups' windows (Berlin nights on weekdays, New York weekend nights) are closed. */
    static final String NOW = "2026-04-22T12:00:00Z";

    @TempDir
    Path tmp;

    private static CliRun strata(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void applyOnTheExampleFleetPushesWhatTheSpecsSayAndAgainDoesNothing() throws Exception {
        TestRegistry r = REGISTRY.registry();
        String baseDigest = ShellBase.push(r, "mirror/fedora/fedora-coreos:stable", "43.20260413.3.2");
        Path state = tmp.resolve("state/state.db");
        Path plan = tmp.resolve("plan.json");
        try (ExampleFleet.PackageFolder packages = ExampleFleet.servePackages(tmp.resolve("packages"));
             CountingProxy proxy = CountingProxy.start(r.port())) {
            Path repo = tmp.resolve("fleet");
            String revision = copyExample(repo, baseDigest, packages);
            List<String> run = List.of("--repo", repo.toString(), "--state", state.toString(),
                    "--registry", proxy.reference("fleet"), "--insecure-registry", proxy.host(),
                    "--mirror", "quay.io/fedora=" + proxy.reference("mirror/fedora"));
            List<String> common = with(run, List.of("--now", NOW));

            CliRun planned = strata(with(List.of("plan", "--out", plan.toString()), common));
            assertThat(planned.exit()).as(planned.toString()).isZero();
            assertThat(planned.out()).contains("+ build dc-bonded (new image)", "+ build edge (new image)",
                    "+ build edge-wifi (new image)", "+ build dc-kmod (new image)");
            CliRun applied = strata(with(List.of("apply", plan.toString()), common));
            assertThat(applied.exit()).as(applied.toString()).isZero();
            assertThat(applied.out()).contains("applied + dc-bonded: ", "applied + edge: ", "applied + edge-wifi: ",
                    "applied + dc-kmod: ", "4 applied, 0 failed");

            Map<String, Build> builds = recorded(state);
            assertThat(builds).containsOnlyKeys("dc-bonded", "edge", "edge-wifi", "dc-kmod");
            checkDcBonded(r, builds.get("dc-bonded"), baseDigest, revision);
            checkEdge(r, builds.get("edge"), baseDigest);
            for (String image : List.of("edge-wifi", "dc-kmod")) {
                Build b = builds.get(image);
                assertThat(Skopeo.labels(r, "fleet/" + image + "@" + b.imageDigest())).as(image)
                        .containsEntry("dev.strata.image", image).containsEntry("dev.strata.inputs", b.inputsDigest())
                        .containsEntry("org.opencontainers.image.revision", revision)
                        .containsEntry("org.opencontainers.image.base.digest", baseDigest);
            }

            // Again: nothing to build, nothing written to the registry.
            proxy.reset();
            CliRun replanned = strata(with(List.of("plan", "--detailed-exitcode", "--out", plan.toString()), common));
            assertThat(replanned.exit()).as(replanned.toString()).isZero();
            assertThat(replanned.out()).doesNotContain("+ build");
            CliRun reapplied = strata(with(List.of("apply", plan.toString()), common));
            assertThat(reapplied.exit()).as(reapplied.toString()).isZero();
            assertThat(reapplied.out()).contains("Apply: 0 applied, 0 failed.");
            CliRun rebuilt = strata(with(List.of("build"), run));
            assertThat(rebuilt.out()).contains("= dc-bonded: up to date", "= edge: up to date", "= edge-wifi: up to date",
                    "= dc-kmod: up to date", "Build: 0 built");
            assertThat(proxy.exchanges()).noneMatch(e -> Set.of("POST", "PUT", "PATCH", "DELETE").contains(e.method()));
            assertThat(recorded(state)).isEqualTo(builds);
        }
    }

    private void checkDcBonded(TestRegistry r, Build b, String baseDigest, String revision) throws Exception {
        String inputsTag = "inputs-" + b.inputsDigest().substring(7, 39);
        assertThat(b.reference()).endsWith("/fleet/dc-bonded@" + b.imageDigest());
        assertThat(Skopeo.digest(r, "fleet/dc-bonded:" + inputsTag)).isEqualTo(b.imageDigest());
        assertThat(Skopeo.labels(r, "fleet/dc-bonded:" + inputsTag))
                .containsEntry("containers.bootc", "1")
                .containsEntry("ostree.bootable", "1")
                .containsEntry("org.opencontainers.image.title", "dc-bonded")
                .containsEntry("org.opencontainers.image.description", "FCOS with bonded datacenter networking")
                .containsEntry("org.opencontainers.image.version", "43.20260413.3.2.strata." + b.inputsDigest().substring(7, 19))
                .containsEntry("org.opencontainers.image.revision", revision)
                .containsEntry("org.opencontainers.image.created", COMMIT.toString())
                .containsEntry("org.opencontainers.image.base.name", "quay.io/fedora/fedora-coreos:stable")
                .containsEntry("org.opencontainers.image.base.digest", baseDigest)
                .containsEntry("dev.strata.image", "dc-bonded")
                .containsEntry("dev.strata.inputs", b.inputsDigest());
        OciImage image = OciImage.read(Skopeo.copyToOciDir(r, "fleet/dc-bonded:" + inputsTag, tmp.resolve("dc-oci")));
        assertThat(image.created()).isEqualTo(COMMIT);
        // The base's layers, the spec's two layers, and the host agent's layer (dc-east delivers with bootc).
        Map<String, OciImage.Entry> added = image.lastLayers(3);
        assertThat(added.get("usr/libexec/strata/strata-agent").modeOctal()).isEqualTo("0755");
        for (String keyfile : List.of("bond0", "bond0-port-eno1", "bond0-port-eno2")) {
            OciImage.Entry e = added.get("etc/NetworkManager/system-connections/" + keyfile + ".nmconnection");
            assertThat(e.modeOctal() + " " + e.owner()).as(keyfile).isEqualTo("0600 0:0");
            assertThat(e.text()).isEqualTo(Files.readString(EXAMPLE.resolve("images/files/" + keyfile + ".nmconnection")));
        }
        assertThat(added.get("etc/chrony.d/dc.conf")).satisfies(e -> assertThat(e.modeOctal()).isEqualTo("0644"))
                .satisfies(e -> assertThat(e.text()).isEqualTo("server ntp1.example.com iburst\nserver ntp2.example.com iburst\n"));
        assertThat(added.get("etc/systemd/system/node-exporter.service").text())
                .isEqualTo(Files.readString(EXAMPLE.resolve("images/files/node-exporter.service")));
        assertThat(added.get("etc/node-exporter")).satisfies(e -> assertThat(e.directory()).isTrue())
                .satisfies(e -> assertThat(e.modeOctal() + " " + e.owner()).isEqualTo("0750 0:0"));
        assertThat(added.get("etc/systemd/system/multi-user.target.d/strata-enable-node-exporter.service.conf").text())
                .contains("[Unit]\nWants=node-exporter.service\n");
        assertThat(added.get("usr/lib/bootc/kargs.d/strata-dc-bonded-02-monitoring.toml").text())
                .endsWith("kargs = [\"console=ttyS0,115200\"]\n");
        // The base is still there underneath.
        assertThat(image.files().get("usr/lib/os-release").text()).contains("OSTREE_VERSION='43.20260413.3.2'");
    }

    private void checkEdge(TestRegistry r, Build b, String baseDigest) throws Exception {
        OciImage image = OciImage.read(Skopeo.copyToOciDir(r, "fleet/edge@" + b.imageDigest(), tmp.resolve("edge-oci")));
        // The spec's layer and the agent's connectivity check (edge updates with Zincati).
        Map<String, OciImage.Entry> added = image.lastLayers(2);
        assertThat(added).containsKey("usr/lib/systemd/system/strata-agent-check.service.d/10-zincati.conf");
        assertThat(added.get("etc/chrony.d/edge.conf").text()).isEqualTo("pool 2.fedora.pool.ntp.org iburst\n");
        assertThat(added.get("etc/systemd/system/node-exporter.service").modeOctal()).isEqualTo("0644");
        assertThat(added).containsKey("etc/systemd/system/multi-user.target.d/strata-enable-node-exporter.service.conf");
        assertThat(image.labels()).containsEntry("org.opencontainers.image.base.digest", baseDigest)
                .containsEntry("dev.strata.image", "edge").containsEntry("containers.bootc", "1");
    }

    /**
     * fleet-example in a new Git repository, its stream pin moved to {@code digest} and edge-wifi's package
     * repository to {@code packages}; returns the commit.
     */
    private static String copyExample(Path repo, String digest, ExampleFleet.PackageFolder packages) throws Exception {
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path p : files.toList()) {
                Path target = repo.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        Path stream = repo.resolve("streams/fcos-stable.yaml");
        String text = Files.readString(stream);
        assertThat(text).as("fleet-example's stream pin").contains("pin: " + PLACEHOLDER);
        Files.writeString(stream, text.replace("pin: " + PLACEHOLDER, "pin: " + digest));
        Path wifi = repo.resolve("images/edge-wifi.yaml");
        String spec = Files.readString(wifi);
        assertThat(spec).as("edge-wifi's package repository").contains(ExampleFleet.PACKAGE_REPO);
        Files.writeString(wifi, spec.replace(ExampleFleet.PACKAGE_REPO, packages.packageRepoLine()));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", COMMIT, ZoneOffset.UTC);
            RevCommit c = git.commit().setMessage("fleet-example, pinned to the stand-in base, packages from loopback").setAuthor(who)
                    .setCommitter(who).setSign(false).call();
            return c.getName();
        }
    }

    private static Map<String, Build> recorded(Path state) {
        try (StateStore store = SqliteStateStore.open(state)) {
            Map<String, Build> out = new java.util.TreeMap<>();
            for (Build b : store.builds().values()) out.put(b.image(), b);
            return out;
        }
    }

    @SafeVarargs
    private static List<String> with(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) out.addAll(p);
        return out;
    }
}
