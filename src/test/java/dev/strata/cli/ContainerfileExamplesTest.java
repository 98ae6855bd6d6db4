package dev.strata.cli;

import com.sun.net.httpserver.HttpServer;
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

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
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
 * fleet-example-containerfile end to end through {@code strata build}: the packages image installs a
 * .deb (built here with dpkg-deb from the committed package source) from a package folder served on
 * loopback, the kernel-module image builds an artefact for the base's kernel in a builder stage and
 * keeps only that. Checked with skopeo: layers, labels and files.
 */
class ContainerfileExamplesTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();
    static final Path EXAMPLE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("fleet-example-containerfile");
    static final String PLACEHOLDER = "sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4";
    static final Instant COMMIT = Instant.parse("2026-04-20T09:30:00Z");

    @TempDir
    Path tmp;

    @Test
    void thePackagesAndKernelModuleExamplesBuildAndHoldWhatTheySay() throws Exception {
        TestRegistry r = REGISTRY.registry();
        String base = ShellBase.push(r, "mirror/fedora/fedora-coreos:stable", "43.20260413.3.2");
        Path served = Files.createDirectories(tmp.resolve("served"));
        Path pkg = tmp.resolve("pkg-source");
        copy(EXAMPLE.resolve("packages/strata-hello"), pkg);
        run(List.of("dpkg-deb", "--root-owner-group", "--build", pkg.toString(), served.resolve("strata-hello_1.0_all.deb").toString()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = served.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean ok = file.startsWith(served) && Files.isRegularFile(file);
            exchange.sendResponseHeaders(ok ? 200 : 404, ok ? Files.size(file) : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                if (ok) Files.copy(file, out);
            }
        });
        server.start();
        try {
            Path repo = tmp.resolve("fleet");
            copy(EXAMPLE, repo);
            replace(repo.resolve("streams/fcos-stable.yaml"), "pin: " + PLACEHOLDER, "pin: " + base);
            replace(repo.resolve("images/packages.yaml"), "http://127.0.0.1:8089", "http://127.0.0.1:" + server.getAddress().getPort());
            commit(repo);

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "build", "--repo", repo.toString(),
                    "--state", tmp.resolve("state/state.db").toString(), "--registry", r.reference("fleet"),
                    "--insecure-registry", r.host(), "--mirror", "quay.io/fedora=" + r.reference("mirror/fedora"));
            assertThat(exit).as(out + "\n" + err).isZero();
            assertThat(err.toString()).contains("kmod: building layer module of image kmod with buildah")
                    .contains("(kernel " + ShellBase.KERNEL + ")");

            OciImage packages = image(r, "packages", out.toString());
            assertThat(packages.layers()).hasSize(4); // base, motd, install, config
            assertThat(paths(packages.layers().get(1))).containsExactly("etc", "etc/motd.d", "etc/motd.d/packages");
            assertThat(paths(packages.layers().get(2))).contains("usr/bin/strata-hello", "usr/share/strata-hello/README",
                    "var/lib/dpkg/status").doesNotContain("tmp/package.deb", "etc/strata-hello.conf");
            assertThat(paths(packages.layers().get(3))).contains("etc/strata-hello.conf");
            Map<String, OciImage.Entry> files = packages.files();
            assertThat(files.get("usr/bin/strata-hello").modeOctal()).isEqualTo("0755");
            assertThat(files.get("usr/share/strata-hello/README").text()).contains("installed by a containerfile layer");
            assertThat(files.get("var/lib/dpkg/status").text()).contains("Package: strata-hello")
                    .contains("Status: install ok installed").contains("Version: 1.0");
            assertThat(packages.labels()).containsEntry("dev.strata.image", "packages").containsEntry("containers.bootc", "1")
                    .containsEntry("org.opencontainers.image.description", "FCOS with a package layered on the build side")
                    .containsEntry("org.opencontainers.image.base.digest", base);

            OciImage kmod = image(r, "kmod", out.toString());
            assertThat(kmod.layers()).hasSize(3); // base, module, load
            String module = "usr/lib/modules/" + ShellBase.KERNEL + "/extra/strata-hello.ko";
            assertThat(paths(kmod.layers().get(1))).contains(module).noneMatch(p -> p.startsWith("build") || p.startsWith("out"));
            assertThat(kmod.files().get(module).text()).startsWith("vermagic=" + ShellBase.KERNEL + "\nsource=");
            assertThat(paths(kmod.layers().get(2))).contains("etc/modules-load.d/strata-hello.conf");
            assertThat(kmod.labels()).containsEntry("dev.strata.image", "kmod").containsEntry("ostree.bootable", "1");
        } finally {
            server.stop(0);
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
            git.commit().setMessage("the containerfile example, pinned to the stand-in base").setAuthor(who)
                    .setCommitter(who).setSign(false).call();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
