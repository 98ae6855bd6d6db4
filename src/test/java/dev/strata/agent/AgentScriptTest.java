package dev.strata.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real strata-agent script under bash, on a {@link FakeHost} (fake bootc, rpm-ostree, systemctl that
 * log their arguments) against a {@link FakeServe} speaking docs/delivery.md: the commands it runs,
 * and their order with the server's calls, for each path through docs/agent.md.
 */
class AgentScriptTest {
    /** Where in a wall-clock second the connectivity-timeout check starts (see its test). */
    static final int OFFSET_MS = 800;
    static final String ID = "5a38c7243b581f6fa33acc35d74b7264";
    static final String TOKEN = "s3cr3t-T0ken.abc~def+ghi/jkl=";
    static final String GROUP = "dc-east";
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);
    static final Map<String, String> BOOTC = Map.of();
    static final Map<String, String> ZINCATI = Map.of("STRATA_DELIVERY", "zincati");

    static final String STATUS_CMD = "bootc status --format=json --format-version=1";
    static final String TARGET = "http GET /v1/machines/" + ID + "/target";
    static final String REPORT = "http POST /v1/machines/" + ID + "/status";
    static final String PRE_REBOOT = "http POST /v1/pre-reboot";
    static final String STEADY_STATE = "http POST /v1/steady-state";

    @TempDir
    Path tmp;
    FakeHost host;
    FakeServe serve;

    @BeforeEach
    void setUp() throws IOException {
        host = new FakeHost(tmp, A);
        serve = new FakeServe(host.events, ID, TOKEN, GROUP);
        serve.target(B, 3, "[]");
        host.settings(settings(serve.url()), "rw-------");
    }

    @AfterEach
    void tearDown() {
        serve.close();
    }

    static String settings(String url) {
        return "# written by strata machine-config\nSTRATA_URL=" + url + "\nSTRATA_MACHINE_ID=" + ID + "\nSTRATA_GROUP=\"" + GROUP
                + "\"\nSTRATA_TOKEN=" + TOKEN + "\nSTRATA_CHECK_INTERVAL=1\n";
    }

    FakeHost.Result run() throws Exception {
        return host.run("run", BOOTC);
    }

    FakeHost.Result check() throws Exception {
        return host.run("check", BOOTC);
    }

    @Test
    void stagesTheTargetByDigestTakesASlotAndReboots() throws Exception {
        FakeHost.Result r = run();

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, "bootc switch " + FakeHost.REPO + "@" + B, STATUS_CMD,
                REPORT, PRE_REBOOT, "systemctl reboot");
        assertThat(host.staged()).isEqualTo(B);
        assertThat(host.record("pending")).contains("phase=rebooting", "target=" + B, "previous=" + A, "group=" + GROUP,
                "timeout=3");
        assertThat(serve.statusReports).last().satisfies(s -> assertThat(digest(s, "staged")).isEqualTo(B));
        assertThat(serve.problems).isEmpty();
        assertThat(r.output()).contains("staging " + FakeHost.REPO + "@" + B, "rebooting into " + B);
    }

    @Test
    void afterTheRebootChecksReportsAndReleasesTheSlot() throws Exception {
        assertThat(run().exit()).isZero();
        host.reboot();

        FakeHost.Result r = check();

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT, STEADY_STATE);
        assertThat(digest(serve.statusReports.get(serve.statusReports.size() - 1), "booted")).isEqualTo(B);
        assertThat(host.record("pending")).isEmpty();
        assertThat(host.record("good")).isEqualTo(B + "\n");
        assertThat(serve.problems).isEmpty();

        host.clearEvents();
        FakeHost.Result again = run();
        assertThat(again.exit()).isZero();
        assertThat(host.events()).as("on target: nothing to stage").containsExactly(STATUS_CMD, TARGET, REPORT);
    }

    @Test
    void doesNotSwitchWhenAlreadyOnTheTargetOrWhenNothingIsReleased() throws Exception {
        serve.target(A, 3, "[]");
        assertThat(run().exit()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT);

        host.clearEvents();
        serve.target(null, 3, "[]");
        FakeHost.Result r = run();
        assertThat(r.exit()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT);
        assertThat(r.output()).contains("no update released");
    }

    @Test
    void aRefusedSlotMeansNoRebootAndTheNextRunTriesAgainWithoutSwitchingAgain() throws Exception {
        serve.preRebootStatus = 409;
        FakeHost.Result refused = run();

        assertThat(refused.exit()).as(refused.output()).isEqualTo(75);
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, "bootc switch " + FakeHost.REPO + "@" + B, STATUS_CMD,
                REPORT, PRE_REBOOT);
        assertThat(refused.output()).contains("409 slots_full");
        assertThat(host.record("pending")).isEmpty();

        host.clearEvents();
        serve.preRebootStatus = 200;
        FakeHost.Result granted = run();
        assertThat(granted.exit()).as(granted.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT, PRE_REBOOT, "systemctl reboot");
    }

    @Test
    void aHostThatCannotReachStrataRollsItselfBackAndReportsOnceBack() throws Exception {
        assertThat(run().exit()).isZero();
        host.reboot();
        serve.cutOff();

        // Start late in a wall-clock second, where counting $SECONDS ticks falls shortest of real time.
        Thread.sleep((1000 + OFFSET_MS - Instant.now().getNano() / 1_000_000) % 1000);
        long start = System.nanoTime();
        FakeHost.Result failed = check();
        long elapsed = System.nanoTime() - start;

        assertThat(failed.exit()).as(failed.output()).isEqualTo(1);
        // bash's $SECONDS ticks on the wall clock's second: an agent counting 3 ticks could give up after 2 s and
        // a bit, and did once on a loaded machine, where each round of the check took longer.
        assertThat(elapsed).as("gave the network the whole timeout").isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.SECONDS.toNanos(3));
        assertThat(host.events()).containsExactly(STATUS_CMD, "bootc rollback --apply");
        assertThat(host.record("pending")).contains("phase=rolled-back", "target=" + B, "previous=" + A);
        assertThat(host.record("failed")).isEqualTo(B + "\n");
        assertThat(failed.output()).contains("connectivity check failed on " + B, "rolling back to " + A);

        serve.restore();
        host.reboot();
        FakeHost.Result back = check();
        assertThat(back.exit()).as(back.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, REPORT, STEADY_STATE);
        JsonNode report = serve.statusReports.get(serve.statusReports.size() - 1);
        assertThat(digest(report, "booted")).isEqualTo(A);
        assertThat(digest(report, "rollback")).as("the report shows the rollback").isEqualTo(B);
        assertThat(host.record("pending")).isEmpty();

        host.clearEvents();
        FakeHost.Result later = run();
        assertThat(later.exit()).isZero();
        assertThat(host.events()).as("a digest that failed here is not staged again").containsExactly(STATUS_CMD, TARGET, REPORT);
        assertThat(later.output()).contains("failed its connectivity check on this host before");
    }

    @Test
    void aFailingConfiguredCheckRollsBackEvenWhenStrataAnswers() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        serve.target(B, 3, "[{\"http\":\"" + serve.url() + "healthz\"},{\"tcp\":\"127.0.0.1:" + closed + "\"}]");
        assertThat(run().exit()).isZero();
        assertThat(host.record("pending")).contains("check=http " + serve.url() + "healthz", "check=tcp 127.0.0.1:" + closed);
        host.reboot();

        FakeHost.Result r = check();

        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("127.0.0.1:" + closed + ": no TCP connection");
        assertThat(host.events()).endsWith("bootc rollback --apply").contains("http GET /healthz");
    }

    @Test
    void configuredChecksThatPassLetTheUpdateStand() throws Exception {
        serve.target(B, 3, "[{\"http\":\"" + serve.url() + "healthz\"},{\"tcp\":\"127.0.0.1:" + serve.port() + "\"}]");
        assertThat(run().exit()).isZero();
        host.reboot();

        FakeHost.Result r = check();

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("strata serve and 2 more check(s)", "connectivity check passed on " + B);
        assertThat(host.events()).doesNotContain("bootc rollback --apply").endsWith(REPORT, STEADY_STATE);
    }

    @Test
    void aServerThatAnswersButRefusesTheTokenIsNoReasonToRollBack() throws Exception {
        assertThat(run().exit()).isZero();
        host.reboot();
        host.settings(settings(serve.url()).replace(TOKEN, "revoked-token"), "rw-------");

        FakeHost.Result r = check();

        assertThat(r.exit()).as(r.output()).isEqualTo(75);
        assertThat(r.output()).contains("strata serve answered HTTP 401 unauthorized", "connectivity check passed on " + B);
        assertThat(host.events()).doesNotContain("bootc rollback --apply");
        assertThat(host.record("pending")).contains("phase=checked");
        assertThat(host.record("good")).isEqualTo(B + "\n");
    }

    @Test
    void theTokenNeverReachesACommandLineOrTheLog() throws Exception {
        FakeHost.Result first = run();
        host.reboot();
        FakeHost.Result second = check();

        assertThat(serve.authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer " + TOKEN));
        assertThat(Files.readString(host.argv)).contains("curl --config -").doesNotContain(TOKEN).doesNotContain("s3cr3t");
        assertThat(first.output() + second.output()).doesNotContain("s3cr3t");
    }

    @Test
    void eachStepIsSafeToRunAgainAfterACrash() throws Exception {
        // Crash after the pending record was written, before the reboot happened.
        host.systemctlFails(true);
        FakeHost.Result crashed = run();
        assertThat(crashed.exit()).isEqualTo(1);
        assertThat(host.record("pending")).contains("phase=rebooting");

        host.clearEvents();
        host.systemctlFails(false);
        FakeHost.Result again = run();
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(host.events()).as("no second switch; the slot is taken again (recursive)")
                .containsExactly(STATUS_CMD, TARGET, REPORT, PRE_REBOOT, "systemctl reboot");

        // The machine rebooted, but the check never ran (say its unit was stopped): the timer's run does it.
        host.reboot();
        FakeHost.Result timer = run();
        assertThat(timer.exit()).as(timer.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT, STEADY_STATE);
        assertThat(host.record("good")).isEqualTo(B + "\n");

        // The check passed, but the report did not get through: the record stays until a later run finishes it.
        host.clearEvents();
        serve.target(C, 3, "[]");
        assertThat(run().exit()).isZero();
        host.reboot();
        serve.statusStatus = 503;
        FakeHost.Result unreported = check();
        assertThat(unreported.exit()).as(unreported.output()).isEqualTo(75);
        assertThat(host.record("pending")).contains("phase=checked", "target=" + C);
        assertThat(host.record("good")).isEqualTo(C + "\n");

        host.clearEvents();
        serve.statusStatus = 200;
        FakeHost.Result finished = run();
        assertThat(finished.exit()).as(finished.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, REPORT, STEADY_STATE);
        assertThat(host.record("pending")).isEmpty();
    }

    @Test
    void aNewTargetWhileWaitingForASlotGivesTheSlotBackWhenTheUpdateIsOff() throws Exception {
        host.systemctlFails(true);
        assertThat(run().exit()).isEqualTo(1); // slot taken, record written, reboot failed
        host.systemctlFails(false);
        host.clearEvents();
        serve.target(A, 3, "[]"); // the rollout was rolled back: stay on A

        FakeHost.Result r = run();

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(host.events()).containsExactly(STATUS_CMD, TARGET, REPORT, STEADY_STATE);
        assertThat(host.record("pending")).isEmpty();
    }

    @Test
    void zincatiHostsGetTheCheckWithRpmOstreeAndNoFleetLockCalls() throws Exception {
        FakeHost.Result first = host.run("check", ZINCATI);
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(host.events()).containsExactly("rpm-ostree status --json", TARGET, REPORT);
        assertThat(host.record("good")).isEqualTo(A + "\n");
        assertThat(serve.statusReports).last().satisfies(s -> assertThat(s.path("deployments").get(0).path("booted").asBoolean()).isTrue());

        host.stage(B); // Zincati staged B and rebooted into it
        host.reboot();
        serve.cutOff();
        FakeHost.Result cut = host.run("check", ZINCATI);
        assertThat(cut.exit()).as(cut.output()).isEqualTo(1);
        assertThat(host.events()).containsExactly("rpm-ostree status --json", "rpm-ostree rollback -r");

        serve.restore();
        host.reboot();
        FakeHost.Result back = host.run("check", ZINCATI);
        assertThat(back.exit()).as(back.output()).isZero();
        assertThat(host.events()).containsExactly("rpm-ostree status --json", REPORT);
        assertThat(host.booted()).isEqualTo(A);

        FakeHost.Result run = host.run("run", ZINCATI);
        assertThat(run.exit()).isEqualTo(64);
        assertThat(run.output()).contains("updated by Zincati");
    }

    @Test
    void badSettingsAreRefusedWithWhatToDo() throws Exception {
        host.settings(settings(serve.url()), "rw-r--r--");
        FakeHost.Result open = run();
        assertThat(open.exit()).isEqualTo(78);
        assertThat(open.output()).contains("is mode 644", "chmod 0600");

        host.settings(settings(serve.url()).replace(TOKEN, "has space"), "rw-------");
        FakeHost.Result token = run();
        assertThat(token.exit()).isEqualTo(78);
        assertThat(token.output()).contains("STRATA_TOKEN").doesNotContain("has space");

        Files.delete(host.config);
        FakeHost.Result missing = run();
        assertThat(missing.exit()).isEqualTo(78);
        assertThat(missing.output()).contains("strata machine-config");
        assertThat(host.events()).isEmpty();

        host.settings(settings(serve.url()).replace(TOKEN, "wrong-token"), "rw-------");
        FakeHost.Result refused = run();
        assertThat(refused.exit()).isEqualTo(78);
        assertThat(refused.output()).contains("401 unauthorized");
    }

    @Test
    void anUnreachableServerIsATemporaryFailure() throws Exception {
        serve.cutOff();
        FakeHost.Result r = run();
        assertThat(r.exit()).isEqualTo(75);
        assertThat(r.output()).contains("cannot reach strata serve");
        assertThat(host.events()).containsExactly(STATUS_CMD);
        serve.restore();
    }

    @Test
    void theScriptIsShellcheckClean() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("shellcheck", "--severity=style", tmp.resolve("strata-agent").toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs shellcheck on the PATH (apt-get install shellcheck; .ci/run installs it)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    static String digest(JsonNode bootcStatus, String entry) {
        return bootcStatus.path("status").path(entry).path("image").path("imageDigest").asText(null);
    }
}
