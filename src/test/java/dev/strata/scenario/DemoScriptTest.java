package dev.strata.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, {@code scripts/demo}, run as a user runs it (bash, a real docker-registry,
 * skopeo, strata serve and ten simulated machines running the real agent), with strata taken from the
 * test class path instead of target/strata.jar, which does not exist yet when the tests run. What it
 * prints is checked against what the fleet's policy allows, so the demo stays true as Strata changes.
 */
class DemoScriptTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    static final Pattern EVENT = Pattern.compile("^  \\[Fri (\\d\\d):(\\d\\d) CET] (dc-east-\\d\\d): (.*)$");

    @TempDir
    Path tmp;

    @Test
    void rollsTheBond0CommitOutToEveryDcEastMachineWaveByWaveInsideTheWindowAndCleansUp() throws Exception {
        Path strata = tmp.resolve("strata");
        Files.writeString(strata, "#!/bin/bash\n# strata from the test class path\nexec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' ${STRATA_JAVA_OPTS--XX:TieredStopAtLevel=1} -cp '"
                + System.getProperty("java.class.path") + "' dev.strata.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(strata, PosixFilePermissions.fromString("rwx------"));
        Path work = Files.createDirectories(tmp.resolve("tmp"));

        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/demo").toString()).redirectErrorStream(true);
        pb.environment().put("STRATA_COMMAND", strata.toString());
        pb.environment().put("TMPDIR", work.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("scripts/demo still running after 6 minutes:\n" + output.get(10, TimeUnit.SECONDS));
        }
        String out = output.get(10, TimeUnit.SECONDS);
        assertThat(p.exitValue()).as(out).isZero();
        out.lines().filter(l -> l.startsWith("Done in ")).forEach(System.out::println);

        List<String> lines = out.lines().toList();
        assertThat(out).as("every step ran, in order").containsSubsequence("[1/7]", "[2/7]", "[3/7]", "[4/7]", "[5/7]", "[6/7]", "[7/7]");
        assertThat(out).as("a stand-in, labelled as FCOS is").contains("NOT Fedora CoreOS", "\"containers.bootc\": \"1\"",
                "\"ostree.bootable\": \"1\"", "\"com.coreos.stream\": \"stable\"", "\"version\": ");
        assertThat(out).as("the only changes to fleet-example: the pin, and the package folder's address")
                .containsSubsequence("-  pin: sha256:", "+  pin: sha256:")
                .containsSubsequence("-          PACKAGE_REPO: http://127.0.0.1:8089", "+          PACKAGE_REPO: http://127.0.0.1:")
                .contains("Two changes, committed as");
        assertThat(out).as("built and pushed, keyfiles 0600").contains("+ build dc-bonded: new image -> 127.0.0.1:",
                "-rw------- 0/0 etc/NetworkManager/system-connections/bond0.nmconnection");
        assertThat(out).as("the containerfile images, built with buildah though no group runs them")
                .contains("+ build edge-wifi: new image -> 127.0.0.1:", "+ build dc-kmod: new image -> 127.0.0.1:",
                        "built with buildah (no group runs them yet; Strata builds every image)")
                .containsPattern("edge-wifi: strata-wifi 1\\.0 installed by dpkg from http://127\\.0\\.0\\.1:\\d+ \\(/usr/bin/strata-wifi\\)")
                .contains("dc-kmod:   /usr/lib/modules/6.17.7-300.fc43.x86_64/extra/strata-example.ko, built for the base's kernel");
        assertThat(out).as("the drill clock says what it is").contains("serve: drill clock: Strata's time started at", "not for a real fleet");

        int commit = indexOf(lines, "[7/7]");
        List<String> rollout = lines.subList(commit, lines.size());
        // strata status is sampled, so a wave may go from pending to done between two prints; the order may not change.
        assertThat(firstIndex(rollout, "wave canary  done")).as("canary done before early starts")
                .isLessThan(firstIndex(rollout, "wave early   (rolling|done)"));
        assertThat(firstIndex(rollout, "wave early   done")).as("early done before rest starts")
                .isLessThan(firstIndex(rollout, "wave rest    (rolling|done)"));
        assertThat(String.join("\n", rollout)).contains("wave rest    done", "next:     = all 10 machines run",
                "All 10 dc-east machines run");

        // Machine lines (stamped with the drill time by the machines): every reboot inside Fri 01:00-05:00
        // Berlin; the canary, then the early wave, each after the previous wave baked 30 minutes; never more
        // than 2 down at once, nor more than 1 per rack.
        List<String> slots = new ArrayList<>();
        java.util.Map<String, Integer> slotAt = new java.util.HashMap<>(), passedAt = new java.util.HashMap<>();
        int most = 0;
        List<String> downNow = new ArrayList<>();
        for (String line : rollout) {
            Matcher m = EVENT.matcher(line);
            if (!m.matches()) continue;
            int minutes = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
            if (m.group(4).startsWith("took a reboot slot")) {
                assertThat(minutes).as(line).isBetween(60, 5 * 60 - 1);
                slots.add(m.group(3));
                slotAt.put(m.group(3), minutes);
                downNow.add(m.group(3));
            } else if (m.group(4).startsWith("connectivity check passed")) {
                passedAt.put(m.group(3), minutes);
                downNow.remove(m.group(3));
            }
            most = Math.max(most, downNow.size());
            assertThat(downNow.stream().filter(DemoScriptTest::rackOne).count()).as("rack r1 at " + line).isLessThanOrEqualTo(1);
            assertThat(downNow.stream().filter(n -> !rackOne(n)).count()).as("rack r2 at " + line).isLessThanOrEqualTo(1);
        }
        assertThat(slots).as("each machine rebooted once").hasSize(10).doesNotHaveDuplicates();
        assertThat(slots.subList(0, 3)).as("the canary, then the early wave (30%)")
                .containsExactlyInAnyOrder("dc-east-01", "dc-east-02", "dc-east-03").first().isEqualTo("dc-east-01");
        int earlyStart = Math.min(slotAt.get("dc-east-02"), slotAt.get("dc-east-03"));
        int earlyDone = Math.max(passedAt.get("dc-east-02"), passedAt.get("dc-east-03"));
        int restStart = slots.subList(3, 10).stream().mapToInt(slotAt::get).min().orElseThrow();
        // A machine stamps its line once the agent has finished, up to a few real seconds (drill minutes at 120x) after
        // serve recorded the boot the bake counts from; a wave released without its bake would start within ~10 minutes.
        assertThat(earlyStart - passedAt.get("dc-east-01")).as("canary baked 30m").isGreaterThanOrEqualTo(20);
        assertThat(restStart - earlyDone).as("early baked 30m").isGreaterThanOrEqualTo(20);
        assertThat(most).isBetween(1, 2);

        // It cleaned up: the folder is gone, and nothing listens on the registry's or serve's port.
        try (var left = Files.list(work)) {
            assertThat(left.toList()).as("left in TMPDIR").isEmpty();
        }
        for (String port : ports(out)) {
            assertThat(listening(Integer.parseInt(port))).as("something still listens on " + port).isFalse();
        }
    }

    @Test
    void theDemoScriptsAreShellcheckClean() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style"));
        for (String f : List.of("scripts/demo", "demo/machine", "demo/stand-in-base", "demo/bin/bootc", "demo/bin/systemctl")) {
            command.add(ROOT.resolve(f).toString());
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs shellcheck on the PATH (apt-get install shellcheck; .ci/run installs it)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void theStandInBaseIsTheSameImageEveryTimeAndSaysWhatItIs() throws Exception {
        String first = standInBase(tmp.resolve("a"));
        String second = standInBase(tmp.resolve("b"));
        assertThat(first).matches("sha256:[0-9a-f]{64}").isEqualTo(second);
        try (var blobs = Files.list(tmp.resolve("a/blobs/sha256"))) {
            String config = blobs.map(b -> {
                try {
                    return Files.readString(b, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(t -> t.contains("\"Labels\"")).findFirst().orElseThrow();
            assertThat(config).contains("\"containers.bootc\":\"1\"", "\"ostree.bootable\":\"1\"", "\"version\":\"43.20260413.3.2\"",
                    "\"com.coreos.stream\":\"stable\"", "stand-in for Fedora CoreOS");
        }
    }

    static String standInBase(Path out) throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("demo/stand-in-base").toString(), out.toString(), "43.20260413.3.2")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String digest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return digest;
    }

    /** fleet-example's rack r1 is dc-east-01 to -05. */
    static boolean rackOne(String machine) {
        return Integer.parseInt(machine.substring("dc-east-".length())) <= 5;
    }

    static int firstIndex(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++) if (p.matcher(lines.get(i)).find()) return i;
        throw new AssertionError("no line matching /" + regex + "/ in:\n" + String.join("\n", lines));
    }

    static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i;
        throw new AssertionError("no line with " + text);
    }

    static List<String> ports(String out) {
        List<String> ports = new ArrayList<>();
        Matcher m = Pattern.compile("(?:docker-registry \\(Debian's CNCF distribution\\) on |listening on http://"
                + "|fleet-example/packages\\) on http://)127\\.0\\.0\\.1:(\\d+)").matcher(out);
        while (m.find()) ports.add(m.group(1));
        assertThat(ports).as("the registry's, the package folder's and serve's ports in the output").hasSize(3);
        return ports;
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
