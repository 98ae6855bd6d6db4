package dev.strata.cli;

import dev.strata.testing.ExampleFleet;
import dev.strata.testing.OciImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.ShellBase;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fleet-example's images with containerfile layers, end to end through {@code strata build edge-wifi dc-kmod}:
 * edge-wifi installs a .deb (built here with dpkg-deb from fleet-example/packages) from the package folder
 * served on loopback, dc-kmod builds an artefact for the base's kernel in a builder stage and keeps only
 * that. Built on the demo's stand-in base (which has a shell) and checked with skopeo: layers, labels, files.
 */
class ContainerfileExamplesTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final String PLACEHOLDER = "sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4";
    static final Instant COMMIT = Instant.parse("2026-04-20T09:30:00Z");

    @TempDir
    Path tmp;

    @Test
    void theWifiPackageAndKernelModuleExamplesBuildAndHoldWhatTheySay() throws Exception {
        TestRegistry r = REGISTRY.registry();
        String base = ShellBase.push(r, "mirror/fedora/fedora-coreos:stable", "43.20260413.3.2");
        try (ExampleFleet.PackageFolder packages = ExampleFleet.servePackages(tmp.resolve("served"))) {
            Path repo = tmp.resolve("fleet");
            copy(ExampleFleet.DIR, repo);
            replace(repo.resolve("streams/fcos-stable.yaml"), "pin: " + PLACEHOLDER, "pin: " + base);
            replace(repo.resolve("images/edge-wifi.yaml"), ExampleFleet.PACKAGE_REPO, packages.packageRepoLine());
            commit(repo);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "build", "--repo", repo.toString(),
                    "--state", tmp.resolve("state/state.db").toString(), "--registry", r.reference("fleet"),
                    "--insecure-registry", r.host(), "--mirror", "quay.io/fedora=" + r.reference("mirror/fedora"),
                    "edge-wifi", "dc-kmod");
            assertThat(exit).as(out + "\n" + err).isZero();
            assertThat(err.toString()).contains("dc-kmod: building layer module of image dc-kmod with buildah")
                    .contains("(kernel " + ShellBase.KERNEL + ")");
            assertThat(out.toString()).as("only the images asked for").doesNotContain("dc-bonded").doesNotContain("edge:");

            OciImage wifi = image(r, "edge-wifi", out.toString());
            assertThat(wifi.layers()).hasSize(4); // base, motd, wifi, config
            assertThat(paths(wifi.layers().get(1))).containsExactly("etc", "etc/motd.d", "etc/motd.d/edge-wifi");
            assertThat(paths(wifi.layers().get(2))).contains("usr/bin/strata-wifi", "usr/share/strata-wifi/README",
                    "var/lib/dpkg/status").doesNotContain("tmp/package.deb", "etc/NetworkManager/conf.d/wifi-powersave.conf");
            assertThat(paths(wifi.layers().get(3))).contains("etc/NetworkManager/conf.d/wifi-powersave.conf");
            Map<String, OciImage.Entry> files = wifi.files();
            assertThat(files.get("usr/bin/strata-wifi").modeOctal()).isEqualTo("0755");
            assertThat(files.get("usr/share/strata-wifi/README").text()).contains("installed by the containerfile layer");
            assertThat(files.get("var/lib/dpkg/status").text()).contains("Package: strata-wifi")
                    .contains("Status: install ok installed").contains("Version: 1.0");
            assertThat(files.get("etc/NetworkManager/conf.d/wifi-powersave.conf").text()).isEqualTo("[connection]\nwifi.powersave=2\n");
            assertThat(wifi.labels()).containsEntry("dev.strata.image", "edge-wifi").containsEntry("containers.bootc", "1")
                    .containsEntry("org.opencontainers.image.description", "FCOS for edge boxes, with a Wi-Fi package layered on the build side")
                    .containsEntry("org.opencontainers.image.base.digest", base);

            OciImage kmod = image(r, "dc-kmod", out.toString());
            assertThat(kmod.layers()).hasSize(3); // base, module, load
            String module = "usr/lib/modules/" + ShellBase.KERNEL + "/extra/strata-example.ko";
            assertThat(paths(kmod.layers().get(1))).contains(module).noneMatch(p -> p.startsWith("build") || p.startsWith("out"));
            assertThat(kmod.files().get(module).text()).startsWith("vermagic=" + ShellBase.KERNEL + "\nsource=");
            assertThat(paths(kmod.layers().get(2))).contains("etc/modules-load.d/strata-example.conf");
            assertThat(kmod.labels()).containsEntry("dev.strata.image", "dc-kmod").containsEntry("ostree.bootable", "1");
        }
    }

    private OciImage image(TestRegistry r, String name, String out) throws Exception {
        Matcher m = Pattern.compile("/fleet/" + name + "@(sha256:[0-9a-f]{64})").matcher(out);
        assertThat(m.find()).as("a digest for %s in %s", name, out).isTrue();
        return OciImage.read(Skopeo.copyToOciDir(r, "fleet/" + name + "@" + m.group(1), tmp.resolve("oci-" + name)));
    }

    private static List<String> paths(List<OciImage.Entry> layer) {
        return layer.stream().map(OciImage.Entry::path).toList();
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void replace(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static void commit(Path repo) throws Exception {
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("T", "t@example.com", COMMIT, ZoneOffset.UTC);
            git.commit().setMessage("fleet-example, pinned to the stand-in base, with a package folder on loopback").setAuthor(who)
                    .setCommitter(who).setSign(false).call();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
