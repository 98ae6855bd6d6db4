package dev.strata.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A machine for the agent script to run on: fake {@code bootc}, {@code rpm-ostree} and {@code systemctl}
 * on the PATH that log their arguments and keep the deployments in files (staged, booted, rollback), and
 * a {@code curl} that logs its arguments and runs the real one. {@link #reboot()} does what a reboot does
 * to the deployments. Everything else the script uses (bash, sed, grep, flock) is the real thing.
 */
final class FakeHost {
    static final String REPO = "registry.example.com/fleet/dc-bonded";

    final Path dir;
    final Path events;
    final Path argv;
    final Path state;
    final Path config;
    private final Path script;

    FakeHost(Path dir, String booted) throws IOException {
        this.dir = dir;
        this.events = dir.resolve("events.log");
        this.argv = dir.resolve("argv.log");
        this.state = dir.resolve("var-lib-strata");
        this.config = dir.resolve("agent.env");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("host"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(events, "");
        Files.writeString(argv, "");
        write("host/repo", REPO);
        write("host/booted", booted);
        executable(bin.resolve("bootc"), BOOTC);
        executable(bin.resolve("rpm-ostree"), RPM_OSTREE);
        executable(bin.resolve("systemctl"), SYSTEMCTL);
        executable(bin.resolve("curl"), CURL);
        script = dir.resolve("strata-agent");
        try (InputStream in = FakeHost.class.getResourceAsStream("/dev/strata/agent/strata-agent")) {
            Files.write(script, in.readAllBytes());
        }
    }

    /** Writes /etc/strata/agent.env, mode 0600 unless {@code mode} says otherwise. */
    void settings(String text, String mode) throws IOException {
        Files.writeString(config, text);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString(mode));
    }

    /** What a reboot does: a queued rollback swaps booted and rollback; else a staged deployment boots. */
    void reboot() throws IOException {
        String booted = read("host/booted"), staged = read("host/staged"), rollback = read("host/rollback");
        if (!read("host/rollback-queued").isEmpty()) {
            write("host/booted", rollback);
            write("host/rollback", booted);
            write("host/rollback-queued", "");
        } else if (!staged.isEmpty()) {
            write("host/booted", staged);
            write("host/rollback", booted);
        }
        write("host/staged", "");
        Files.writeString(events, "");
    }

    /** A deployment staged by someone else (Zincati). */
    void stage(String digest) throws IOException {
        write("host/staged", digest);
    }

    /** Makes {@code systemctl} fail, as a crash at that point would leave things. */
    void systemctlFails(boolean fails) throws IOException {
        write("host/systemctl-fails", fails ? "yes" : "");
    }

    String booted() throws IOException {
        return read("host/booted");
    }

    String staged() throws IOException {
        return read("host/staged");
    }

    String record(String name) throws IOException {
        Path p = state.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    List<String> events() throws IOException {
        return Files.readAllLines(events);
    }

    void clearEvents() throws IOException {
        Files.writeString(events, "");
    }

    record Result(int exit, String output) {
    }

    Result run(String command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().put("STRATA_AGENT_CONFIG", config.toString());
        pb.environment().put("STRATA_STATE_DIR", state.toString());
        pb.environment().put("TMPDIR", dir.resolve("tmp").toString());
        pb.environment().put("FAKE_HOST", dir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("strata-agent " + command + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private String read(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readString(p).strip() : "";
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    private static void executable(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static List<String> lines(String... l) {
        return new ArrayList<>(List.of(l));
    }

    /** bootc: status prints protocols.md section 4's shape; switch stages; rollback --apply queues. */
    private static final String BOOTC = """
            #!/bin/bash
            H=$FAKE_HOST
            printf 'bootc %s\\n' "$*" >>"$H/events.log"
            printf 'bootc %s\\n' "$*" >>"$H/argv.log"
            d() { cat "$H/host/$1" 2>/dev/null || true; }
            entry() {
              if [[ -z $1 ]]; then printf null; return; fi
              printf '{"image":{"image":{"image":"%s@%s","transport":"registry"},"version":"43.strata","timestamp":"2026-03-01T10:00:00Z","imageDigest":"%s","architecture":"amd64"},"cachedUpdate":null,"incompatible":false,"pinned":false,"downloadOnly":false,"ostree":{"checksum":"3c6dad","deploySerial":0,"stateroot":"default"}}' "$(d repo)" "$1" "$1"
            }
            case $1 in
              status)
                [[ $* == 'status --format=json --format-version=1' ]] || { echo "fake bootc: unexpected $*" >&2; exit 2; }
                printf '{"apiVersion":"org.containers.bootc/v1","kind":"BootcHost","metadata":{"name":"host"},"spec":{"image":{"image":"%s","transport":"registry","signature":"insecure"},"bootOrder":"default"},"status":{"staged":%s,"booted":%s,"rollback":%s,"rollbackQueued":%s,"type":"bootcHost","usrOverlay":null}}\\n' \\
                  "$(d repo)" "$(entry "$(d staged)")" "$(entry "$(d booted)")" "$(entry "$(d rollback)")" "$([[ -n $(d rollback-queued) ]] && echo true || echo false)"
                ;;
              switch)
                [[ $# == 2 && $2 == *@sha256:* ]] || { echo "fake bootc: unexpected $*" >&2; exit 2; }
                printf '%s' "${2##*@}" >"$H/host/staged"
                ;;
              rollback)
                [[ $* == 'rollback --apply' ]] || { echo "fake bootc: unexpected $*" >&2; exit 2; }
                printf yes >"$H/host/rollback-queued"
                ;;
              *) echo "fake bootc: unexpected $*" >&2; exit 2 ;;
            esac
            """;

    /** rpm-ostree: status --json lists staged, booted, rollback deployments in that order, pretty-printed. */
    private static final String RPM_OSTREE = """
            #!/bin/bash
            H=$FAKE_HOST
            printf 'rpm-ostree %s\\n' "$*" >>"$H/events.log"
            printf 'rpm-ostree %s\\n' "$*" >>"$H/argv.log"
            d() { cat "$H/host/$1" 2>/dev/null || true; }
            dep() {
              cat <<JSON
                {
                  "base-commit-meta" : {
                    "ostree.manifest" : "{\\\\"schemaVersion\\\\":2,\\\\"layers\\\\":[{\\\\"digest\\\\":\\\\"sha256:00\\\\"}]}",
                    "ostree.manifest-digest" : "$1"
                  },
                  "container-image-reference" : "ostree-unverified-registry:$(d repo):stable",
                  "container-image-reference-digest" : "$1",
                  "id" : "fedora-coreos-$2",
                  "osname" : "fedora-coreos",
                  "booted" : $3,
                  "staged" : $4,
                  "version" : "43.20260301.3.0"
                }
            JSON
            }
            case $1 in
              status)
                [[ $* == 'status --json' ]] || { echo "fake rpm-ostree: unexpected $*" >&2; exit 2; }
                deps=()
                [[ -z $(d staged) ]] || deps+=("$(dep "$(d staged)" 0 false true)")
                deps+=("$(dep "$(d booted)" 1 true false)")
                [[ -z $(d rollback) ]] || deps+=("$(dep "$(d rollback)" 2 false false)")
                printf '{\\n  "deployments" : [\\n'
                for ((i = 0; i < ${#deps[@]}; i++)); do ((i == 0)) || printf ',\\n'; printf '%s' "${deps[i]}"; done
                printf '\\n  ],\\n  "transaction" : null,\\n  "cached-update" : null,\\n  "update-driver" : {"driver-name" : "Zincati", "driver-sd-unit" : "zincati.service"}\\n}\\n'
                ;;
              rollback)
                [[ $* == 'rollback -r' ]] || { echo "fake rpm-ostree: unexpected $*" >&2; exit 2; }
                printf yes >"$H/host/rollback-queued"
                ;;
              *) echo "fake rpm-ostree: unexpected $*" >&2; exit 2 ;;
            esac
            """;

    private static final String SYSTEMCTL = """
            #!/bin/bash
            H=$FAKE_HOST
            printf 'systemctl %s\\n' "$*" >>"$H/events.log"
            printf 'systemctl %s\\n' "$*" >>"$H/argv.log"
            [[ -z $(cat "$H/host/systemctl-fails" 2>/dev/null) ]] || { echo "fake systemctl: failing on purpose" >&2; exit 1; }
            [[ $* == reboot ]] || { echo "fake systemctl: unexpected $*" >&2; exit 2; }
            """;

    /** Logs what 'ps' would show of curl, then runs the real curl with the same stdin. */
    private static final String CURL = """
            #!/bin/bash
            printf 'curl %s\\n' "$*" >>"$FAKE_HOST/argv.log"
            exec /usr/bin/curl "$@"
            """;
}
