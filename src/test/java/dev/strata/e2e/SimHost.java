package dev.strata.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated bootc host running the agent's loop (docs/agent.md) over real HTTP against {@code strata serve}:
 * on each timer run it asks for its target, stages it (once it has checked the digest is in the registry),
 * takes a FleetLock slot and "reboots"; after the simulated boot it runs the connectivity check, reports
 * {@code bootc status}-shaped JSON and releases the slot, or rolls itself back. It never sleeps: the
 * simulation calls it at simulated times, and it asks for its next call through {@link Sim.Scheduler}.
 */
final class SimHost {
    /** What goes wrong on this host's next update. */
    enum Fault {
        NONE,
        /** Takes its slot, reboots, and is never heard of again. */
        NEVER_RETURNS,
        /** The new deployment cuts it off the network (a bad bond): its check fails and it rolls back. */
        CUT_OFF,
        /** Passes its check and reports, but its steady-state is lost on the way; the next timer run sends it again. */
        RELEASE_LOST
    }

    enum Phase { UP, REBOOTING, CHECKING, GONE }

    /** The agent settings {@code strata machine-config --env-file} wrote. */
    record Settings(URI url, String id, String group, String token) {
        static Settings read(Path envFile) throws IOException {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(envFile)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return new Settings(URI.create(env.get("STRATA_URL")), env.get("STRATA_MACHINE_ID"), env.get("STRATA_GROUP"),
                    env.get("STRATA_TOKEN"));
        }

        @Override
        public String toString() {
            return "Settings[" + url + ", " + id + ", " + group + ", token=(hidden)]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CHECK_RETRY = Duration.ofSeconds(30);

    final String name;
    final String rack;
    private final Settings settings;
    private final String registryHost;
    private final HttpClient http;
    private final Sim sim;

    private Phase phase = Phase.UP;
    private String booted;
    private String bootedImage;
    private Optional<String> staged = Optional.empty();
    private Optional<String> rollback = Optional.empty();
    private Fault fault = Fault.NONE;
    /** The update under way: where it goes, where it came from, and the connectivity timeout it was staged with. */
    private String pendingTarget;
    private String pendingImage;
    private String pendingPrevious;
    private Instant bootedAt;
    private int checkTimeoutSeconds = 600;
    private boolean rollingBack;
    private boolean cutOff;
    /** A report or release that did not get through; the next run finishes it. */
    private boolean reportOwed;
    private boolean releaseOwed;
    private final Set<String> failed = new HashSet<>();
    private final Set<String> verified = new HashSet<>();

    SimHost(String name, String rack, Settings settings, String bootedImage, String registryHost, HttpClient http, Sim sim) {
        this.name = name;
        this.rack = rack;
        this.settings = settings;
        this.bootedImage = bootedImage;
        this.booted = digestOf(bootedImage);
        this.registryHost = registryHost;
        this.http = http;
        this.sim = sim;
    }

    String id() {
        return settings.id();
    }

    String booted() {
        return booted;
    }

    Optional<String> rollbackDeployment() {
        return rollback;
    }

    Phase phase() {
        return phase;
    }

    Set<String> failedDigests() {
        return Set.copyOf(failed);
    }

    void failNextUpdate(Fault f) {
        fault = f;
    }

    /** Down: between taking its slot and passing its check (or coming back from a rollback). */
    boolean down() {
        return phase != Phase.UP;
    }

    /** First boot into the image it was installed from: report, release any slot, start the timer. */
    void provisioned() {
        reportOwed = true;
        releaseOwed = true;
        finishOwed();
        sim.after(this, "timer", jitter(Duration.ofMinutes(2), Duration.ofMinutes(2)), this::run);
    }

    /** {@code strata-agent run}, from the timer. */
    void run() {
        if (phase == Phase.GONE) return;
        sim.after(this, "timer", sim.timerDelay(), this::run);
        if (phase != Phase.UP) return;
        finishOwed();
        Optional<HttpResponse<String>> answer = send(get("v1/machines/" + id() + "/target"));
        if (answer.isEmpty() || answer.get().statusCode() >= 500) {
            sim.log(this, "target: no answer (" + answer.map(a -> "" + a.statusCode()).orElse("unreachable") + "); next run retries");
            return;
        }
        if (answer.get().statusCode() != 200) {
            throw new AssertionError(name + ": target answered " + answer.get().statusCode() + " " + answer.get().body());
        }
        JsonNode target = parse(answer.get().body());
        String digest = target.path("digest").isTextual() ? target.path("digest").asText() : null;
        checkTimeoutSeconds = target.path("connectivity").path("timeoutSeconds").asInt(600);
        if (digest == null || digest.equals(booted) || failed.contains(digest)) {
            report();
            return;
        }
        String image = target.path("image").asText();
        if (!staged.filter(digest::equals).isPresent()) {
            verifyInRegistry(image, digest);
            staged = Optional.of(digest);
            sim.log(this, "bootc switch " + image + " (staged)");
            report();
        }
        HttpResponse<String> lock = send(fleetLock("pre-reboot", target.path("group").asText(settings.group()))).orElse(null);
        if (lock == null || lock.statusCode() != 200) {
            String kind = lock == null ? "unreachable" : field(lock, "kind");
            sim.refused(this, kind, lock == null ? "" : field(lock, "value"));
            return;
        }
        sim.granted(this, digest);
        pendingTarget = digest;
        pendingImage = image;
        pendingPrevious = booted;
        rollingBack = false;
        phase = Phase.REBOOTING;
        sim.log(this, "slot taken; systemctl reboot into " + Sim.short12(digest));
        sim.after(this, "boot", jitter(Duration.ofSeconds(60), Duration.ofSeconds(180)), this::boot);
    }

    /** The machine comes up on the staged deployment (or, after {@code bootc rollback --apply}, the previous one). */
    private void boot() {
        String into = rollingBack ? pendingPrevious : pendingTarget;
        String from = booted;
        rollback = Optional.of(from);
        bootedImage = rollingBack ? bootedImage.replace(from, into) : pendingImage;
        booted = into;
        staged = Optional.empty();
        bootedAt = sim.now();
        if (!rollingBack && fault == Fault.NEVER_RETURNS) {
            fault = Fault.NONE;
            phase = Phase.GONE;
            sim.log(this, "rebooted into " + Sim.short12(into) + " and never came back");
            return;
        }
        if (!rollingBack && fault == Fault.CUT_OFF) {
            fault = Fault.NONE;
            cutOff = true;
        }
        if (rollingBack) cutOff = false;
        phase = Phase.CHECKING;
        sim.log(this, "booted " + Sim.short12(into) + (rollingBack ? " (rolled back)" : ""));
        sim.after(this, "check", Duration.ofSeconds(20), this::check);
    }

    /** {@code strata-agent check}: reach strata serve within the timeout, or roll back on its own. */
    private void check() {
        if (rollingBack) {
            // Back on the previous deployment: report it (booted old, rollback the failed one) and give the slot back.
            phase = Phase.UP;
            reportOwed = true;
            releaseOwed = true;
            finishOwed();
            return;
        }
        Optional<HttpResponse<String>> answer = send(get("v1/machines/" + id() + "/target"));
        if (answer.isPresent() && answer.get().statusCode() < 500) {
            phase = Phase.UP;
            reportOwed = true;
            releaseOwed = true;
            if (fault == Fault.RELEASE_LOST) {
                fault = Fault.NONE;
                if (report()) reportOwed = false;
                sim.log(this, "steady-state lost on the way; the next run sends it again");
            } else {
                finishOwed();
            }
            sim.arrived(this, booted);
            return;
        }
        if (Duration.between(bootedAt, sim.now()).getSeconds() < checkTimeoutSeconds) {
            sim.after(this, "check", CHECK_RETRY, this::check);
            return;
        }
        failed.add(pendingTarget);
        rollingBack = true;
        phase = Phase.REBOOTING;
        sim.log(this, "connectivity check failed for " + checkTimeoutSeconds + " s: bootc rollback --apply");
        sim.after(this, "boot", jitter(Duration.ofSeconds(60), Duration.ofSeconds(180)), this::boot);
    }

    private void finishOwed() {
        if (reportOwed && report()) reportOwed = false;
        if (releaseOwed) {
            Optional<HttpResponse<String>> r = send(fleetLock("steady-state", settings.group()));
            if (r.isPresent() && r.get().statusCode() == 200) {
                releaseOwed = false;
                sim.released(this);
            }
        }
    }

    private boolean report() {
        Optional<HttpResponse<String>> r = send(HttpRequest.newBuilder(url("v1/machines/" + id() + "/status"))
                .header("Authorization", "Bearer " + settings.token())
                .POST(HttpRequest.BodyPublishers.ofString(bootcStatus())));
        if (r.isPresent() && r.get().statusCode() == 200) return true;
        if (r.isPresent() && r.get().statusCode() < 500) {
            throw new AssertionError(name + ": status refused " + r.get().statusCode() + " " + r.get().body());
        }
        reportOwed = true;
        return false;
    }

    /** {@code bootc status --format=json --format-version=1}, in the shape of protocols.md section 4. */
    String bootcStatus() {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "org.containers.bootc/v1").put("kind", "BootcHost");
        root.putObject("metadata").put("name", "host");
        ObjectNode spec = root.putObject("spec");
        spec.putObject("image").put("image", staged.isPresent() ? pendingOrStagedImage() : bootedImage)
                .put("transport", "registry").put("signature", "insecure");
        spec.put("bootOrder", "default");
        ObjectNode status = root.putObject("status");
        deployment(status, "staged", staged.map(d -> pendingOrStagedImage()));
        deployment(status, "booted", Optional.of(bootedImage));
        deployment(status, "rollback", rollback.map(d -> bootedImage.substring(0, bootedImage.indexOf('@') + 1) + d));
        status.put("rollbackQueued", false).put("type", "bootcHost").putNull("usrOverlay");
        return root.toString();
    }

    private String pendingOrStagedImage() {
        return bootedImage.substring(0, bootedImage.indexOf('@') + 1) + staged.orElseThrow();
    }

    private static void deployment(ObjectNode status, String field, Optional<String> imageRef) {
        if (imageRef.isEmpty()) {
            status.putNull(field);
            return;
        }
        ObjectNode d = status.putObject(field);
        ObjectNode image = d.putObject("image");
        image.putObject("image").put("image", imageRef.get()).put("transport", "registry");
        image.put("version", "43.20260201.3.0").put("timestamp", "2026-02-01T08:00:00Z")
                .put("imageDigest", digestOf(imageRef.get())).put("architecture", "amd64");
        d.putNull("cachedUpdate");
        d.put("incompatible", false).put("pinned", false).put("downloadOnly", false);
        d.putObject("ostree").put("checksum", digestOf(imageRef.get()).substring(7)).put("deploySerial", 0)
                .put("stateroot", "default");
    }

    /** What {@code bootc switch} does first: the manifest must be in the registry. Checked once per digest. */
    private void verifyInRegistry(String image, String digest) {
        if (verified.contains(digest)) return;
        String prefix = registryHost + "/";
        if (!image.startsWith(prefix) || !image.endsWith("@" + digest)) {
            throw new AssertionError(name + ": target image " + image + " is not in the test registry " + registryHost);
        }
        String repository = image.substring(prefix.length(), image.indexOf('@'));
        HttpRequest head = HttpRequest.newBuilder(URI.create("http://" + registryHost + "/v2/" + repository + "/manifests/" + digest))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json,"
                        + " application/vnd.oci.image.index.v1+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<Void> r = http.send(head, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) throw new AssertionError(name + ": " + image + " is not in the registry: " + r.statusCode());
            String served = r.headers().firstValue("Docker-Content-Digest").orElse(digest);
            if (!served.equals(digest)) throw new AssertionError(name + ": registry serves " + served + " for " + digest);
        } catch (IOException e) {
            throw new AssertionError(name + ": registry unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        verified.add(digest);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + settings.token()).GET();
    }

    /** FleetLock as Zincati and the agent send it: the header, and the body with no Content-Type. */
    private HttpRequest.Builder fleetLock(String endpoint, String group) {
        return HttpRequest.newBuilder(url("v1/" + endpoint)).header("fleet-lock-protocol", "true")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_params\":{\"id\":\"" + id() + "\",\"group\":\"" + group + "\"}}"));
    }

    private URI url(String relative) {
        return settings.url().resolve(relative);
    }

    /** One request; empty when the server cannot be reached (down, killed, or this host is cut off). */
    private Optional<HttpResponse<String>> send(HttpRequest.Builder request) {
        if (cutOff) return Optional.empty();
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            long t0 = System.nanoTime();
            var r = Optional.of(http.send(built, HttpResponse.BodyHandlers.ofString()));
            String k = built.method() + " " + built.uri().getPath().replaceAll("[0-9a-f]{32}", "ID");
            long[] t = sim.timing.computeIfAbsent(k, x -> new long[2]);
            t[0]++;
            t[1] += System.nanoTime() - t0;
            return r;
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Duration jitter(Duration base, Duration spread) {
        return base.plusMillis(sim.random().nextLong(spread.toMillis() + 1));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** A field of a {@code {kind, value}} error. */
    private static String field(HttpResponse<String> r, String name) {
        try {
            return JSON.readTree(r.body()).path(name).asText("http_" + r.statusCode());
        } catch (IOException e) {
            return "http_" + r.statusCode();
        }
    }

    static String digestOf(String imageRef) {
        return imageRef.substring(imageRef.indexOf('@') + 1);
    }

    @Override
    public String toString() {
        return name + "[" + phase + ", booted " + Sim.short12(booted) + staged.map(s -> ", staged " + Sim.short12(s)).orElse("") + "]";
    }
}
