package dev.strata.build;

import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.testing.LayoutImage;
import dev.strata.testing.RegistryExtension;
import dev.strata.testing.RootFs;
import dev.strata.testing.Skopeo;
import dev.strata.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drop-ins, empty unit files and whiteouts a build writes for {@code systemd: {enable, mask, disable}}
 * mean to systemd what {@code systemctl enable/mask/disable} would have meant. The built image is copied
 * out with skopeo and unpacked into a root folder (whiteouts applied); a reference root is the base with
 * the same unit file, changed by {@code systemctl --root} itself. systemd then reads both, without running:
 * {@code systemctl --root is-enabled}, and the boot transaction {@code systemd-analyze verify --root} builds
 * for {@code multi-user.target} and {@code timers.target} (which units it would start).
 */
class SystemdSemanticsTest {
    @RegisterExtension
    static final RegistryExtension REGISTRY = new RegistryExtension();

    static final String UNITS = "/usr/lib/systemd/system/";
    static final String NODE_EXPORTER = """
            [Unit]
            Description=node exporter
            [Service]
            ExecStart=/usr/bin/node_exporter
            [Install]
            WantedBy=multi-user.target
            """;

    @TempDir
    Path tmp;

    /** A base like Fedora CoreOS: zincati and systemd-resolved enabled by real links, fstrim.timer installed but not enabled. */
    private static LayoutImage base() {
        LayoutImage b = new LayoutImage(Map.of("containers.bootc", "1", "ostree.bootable", "1"), Instant.parse("2026-02-01T08:00:00Z"));
        for (String d : List.of("etc", "etc/systemd", "etc/systemd/system", "etc/systemd/system/multi-user.target.wants",
                "usr", "usr/bin", "usr/lib", "usr/lib/systemd", "usr/lib/systemd/system")) {
            b.directory(d);
        }
        b.file("usr/lib/os-release", "NAME=\"Fedora Linux\"\nID=fedora\nVARIANT_ID=coreos\n");
        b.file("usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User System\n");
        b.file("usr/lib/systemd/system/timers.target", "[Unit]\nDescription=Timer Units\n");
        b.file("usr/lib/systemd/system/zincati.service", service("Zincati", "multi-user.target"));
        b.file("usr/lib/systemd/system/systemd-resolved.service", service("Network Name Resolution", "multi-user.target"));
        b.file("usr/lib/systemd/system/fstrim.service", "[Unit]\nDescription=Discard unused blocks\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n");
        b.file("usr/lib/systemd/system/fstrim.timer", "[Unit]\nDescription=Discard unused blocks once a week\n[Timer]\nOnCalendar=weekly\n"
                + "[Install]\nWantedBy=timers.target\n");
        b.symlink("etc/systemd/system/multi-user.target.wants/zincati.service", UNITS + "zincati.service");
        b.symlink("etc/systemd/system/multi-user.target.wants/systemd-resolved.service", UNITS + "systemd-resolved.service");
        return b;
    }

    private static String service(String description, String wantedBy) {
        return "[Unit]\nDescription=" + description + "\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=" + wantedBy + "\n";
    }

    @Test
    void enableMaskAndDisableMeanWhatSystemctlWouldMean() throws Exception {
        TestRegistry r = REGISTRY.registry();
        String baseDigest = base().push(r, "fedora/fedora-coreos:stable", Files.createDirectories(tmp.resolve("base-layout")));
        BuildFixture f = new BuildFixture(tmp.resolve("repo"), r).fleet("fleet", "fedora/fedora-coreos", baseDigest);
        f.write("images/files/node-exporter.service", NODE_EXPORTER);
        f.write("images/dc.yaml", """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: dc}
                spec:
                  from: {stream: fcos}
                  layers:
                    - name: monitoring
                      files: [{path: /etc/systemd/system/node-exporter.service, source: files/node-exporter.service}]
                      systemd:
                        enable: [node-exporter.service, fstrim.timer]
                        mask: [systemd-resolved.service]
                        disable: [zincati.service]
                """);
        Desired desired = f.desired("c0ffee");
        Build b = f.build(f.builder(Instant.parse("2026-03-01T10:00:00Z"), tmp.resolve("work")), desired, "dc");

        // The image, as bootc would lay it out.
        Path image = RootFs.extract(Skopeo.copyToOciDir(r, "fleet/dc@" + b.imageDigest(), tmp.resolve("image-oci")), tmp.resolve("image"));
        assertThat(image.resolve("etc/systemd/system/multi-user.target.wants/zincati.service")).doesNotExist();
        // The reference: the base, the same unit file, and systemctl's own enable, mask and disable.
        Path reference = RootFs.extract(Skopeo.copyToOciDir(r, "fedora/fedora-coreos@" + baseDigest, tmp.resolve("base-oci")),
                tmp.resolve("reference"));
        Files.writeString(reference.resolve("etc/systemd/system/node-exporter.service"), NODE_EXPORTER);
        systemctl(reference, "enable", "node-exporter.service", "fstrim.timer");
        systemctl(reference, "mask", "systemd-resolved.service");
        systemctl(reference, "disable", "zincati.service");
        assertThat(reference.resolve("etc/systemd/system/multi-user.target.wants/node-exporter.service")).isSymbolicLink();

        // What starts at boot: the same units, from both roots.
        Set<String> imageStarts = bootJobs(image);
        Set<String> referenceStarts = bootJobs(reference);
        assertThat(imageStarts).contains("node-exporter.service", "fstrim.timer")
                .doesNotContain("zincati.service", "systemd-resolved.service");
        assertThat(imageStarts).isEqualTo(referenceStarts);
        // Masked and disabled read the same; enabled by a drop-in is reported as not linked (docs/build.md).
        for (Path root : List.of(image, reference)) {
            assertThat(isEnabled(root, "systemd-resolved.service")).as(root.toString()).isEqualTo("masked");
            assertThat(isEnabled(root, "zincati.service")).as(root.toString()).isEqualTo("disabled");
        }
        assertThat(isEnabled(reference, "node-exporter.service")).isEqualTo("enabled");
        assertThat(isEnabled(image, "node-exporter.service")).isEqualTo("disabled");
        // The base itself starts zincati and systemd-resolved, and not node-exporter or the timer.
        Path baseRoot = RootFs.extract(tmp.resolve("base-oci"), tmp.resolve("base-root"));
        assertThat(bootJobs(baseRoot)).contains("zincati.service", "systemd-resolved.service")
                .doesNotContain("node-exporter.service", "fstrim.timer");
        for (Path root : List.of(image, reference, baseRoot)) RootFs.delete(root); // links to /dev/null and /usr: not for JUnit
    }

    /**
     * The units systemd would start for multi-user.target and timers.target, read from the transaction it
     * builds. Slices are left out: whether the test manager queues a job for {@code -.slice} and
     * {@code system.slice} varies from one run to the next, whatever the unit files say.
     */
    private static Set<String> bootJobs(Path root) throws Exception {
        String log = run(Map.of("SYSTEMD_LOG_LEVEL", "debug"), "systemd-analyze", "verify", "--root=" + root,
                "--man=no", "multi-user.target", "timers.target");
        Set<String> units = new TreeSet<>();
        Matcher m = Pattern.compile("Installed new job (\\S+)/start").matcher(log);
        while (m.find()) if (!m.group(1).endsWith(".slice")) units.add(m.group(1));
        assertThat(units).as("systemd-analyze verify said:\n" + log).contains("multi-user.target", "timers.target");
        return units;
    }

    private static String isEnabled(Path root, String unit) throws Exception {
        return run(Map.of(), "systemctl", "--root=" + root, "is-enabled", unit).strip();
    }

    private static void systemctl(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("systemctl", "--root=" + root));
        command.addAll(List.of(args));
        run(Map.of(), command.toArray(String[]::new));
    }

    /** Runs a systemd tool; its exit code is not checked (is-enabled exits 1 for "disabled"), its output is returned. */
    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(command[0] + " is not installed: this test asks systemd itself what the image's"
                    + " unit files mean. Install it (Debian/Ubuntu: apt-get install -y --no-install-recommends systemd),"
                    + " or run .ci/run, which installs what the tests need.", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return out;
    }
}
