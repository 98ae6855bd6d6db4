package dev.strata.e2e;

import dev.strata.plan.Build;
import dev.strata.source.FolderTree;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.MachineGroup;
import dev.strata.state.HistoryEntry;
import dev.strata.testing.TestRegistry;
import dev.strata.validate.Validation;
import dev.strata.validate.Validator;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * One scenario's world: fleet-example in a Git repository, the real {@code strata serve} on it (built images
 * in the test registry, a SQLite state file), and dc-east's ten machines simulated, enrolled with
 * {@code strata machine-config} and booted from the image built at the first commit.
 */
final class Scenario implements AutoCloseable {
    static final String GROUP = "dc-east";
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Thursday 26 November 2026, 03:00 in Berlin: two hours into dc-east's 01:00-05:00 night window. */
    static final Instant THURSDAY_0300 = ZonedDateTime.of(2026, 11, 26, 3, 0, 0, 0, BERLIN).toInstant();
    /** Seeds differ per scenario; -Dstrata.e2e.seed=N runs every scenario with N instead. */
    static final String SEED_PROPERTY = "strata.e2e.seed";

    static {
        // TEMPORARY until the graph branch's TCP_NODELAY fix in StrataServer lands.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final ExampleRepo repo;
    final Path state;
    final Sim sim;
    final TestRegistry registry;
    final HttpClient http;
    final String v1;
    final String v1Reference;

    private Scenario(ExampleRepo repo, Path state, Sim sim, TestRegistry registry, HttpClient http, String v1Reference) {
        this.repo = repo;
        this.state = state;
        this.sim = sim;
        this.registry = registry;
        this.http = http;
        this.v1Reference = v1Reference;
        this.v1 = SimHost.digestOf(v1Reference);
    }

    /** How the scenario runs {@code strata serve}. */
    interface Starter {
        Serve start(Path tmp, Path repo, Path state, SimClock clock, HttpClient http, Sim sim) throws Exception;
    }

    /** In this JVM. */
    static final Starter IN_PROCESS = (tmp, repo, state, clock, http, sim) ->
            InProcessServe.start(repo, state, Files.createDirectories(tmp.resolve("work")), clock, http, sim.log());

    /** In a child JVM listening on {@code port}, on the simulated clock through a file. */
    static Starter child(int port) {
        return (tmp, repo, state, clock, http, sim) -> {
            Path file = tmp.resolve("clock");
            clock.mirrorTo(file);
            return ChildServe.start(repo, state, port, file, http);
        };
    }

    static Scenario start(Path tmp, TestRegistry registry, String baseDigest, Instant start, long defaultSeed,
                          java.util.function.UnaryOperator<ExampleRepo> firstCommit) throws Exception {
        return start(tmp, registry, baseDigest, start, defaultSeed, firstCommit, IN_PROCESS);
    }

    /** Starts serve at {@code start}, enrols and boots the hosts, and runs a few quiet minutes with reconcile ticks. */
    static Scenario start(Path tmp, TestRegistry registry, String baseDigest, Instant start, long defaultSeed,
                          java.util.function.UnaryOperator<ExampleRepo> firstCommit, Starter starter) throws Exception {
        long t0 = System.nanoTime();
        ExampleRepo repo = ExampleRepo.create(tmp.resolve("repo"), registry, baseDigest, firstCommit);
        Path state = tmp.resolve("state.db");
        SimClock clock = new SimClock(start);
        long seed = Long.getLong(SEED_PROPERTY, defaultSeed);
        Sim sim = new Sim(clock, seed, group(repo), new Sim.Limits(2, 1), repo.dir, state);
        sim.windows(NIGHTS);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        sim.serve = starter.start(tmp, repo.dir, state, clock, http, sim);
        Scenario s = new Scenario(repo, state, sim, registry, http, built(sim, "dc-bonded", Optional.empty()).reference());
        System.out.println("TIMING serve started after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        sim.provision(s.v1Reference, registry.host(), http, Files.createDirectories(tmp.resolve("env")));
        System.out.println("TIMING provisioned after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        sim.runTo(start.plus(Duration.ofMinutes(1)));
        sim.startTicking();
        sim.runTo(start.plus(Duration.ofMinutes(6)));
        return s;
    }

    /** The group as the specs in the work tree say. */
    static MachineGroup group(ExampleRepo repo) throws Exception {
        Validation v = new Validator().validate(new FolderTree(repo.dir), "");
        FleetSpec fleet = v.fleet().orElseThrow(() -> new AssertionError("the scenario's fleet does not validate: " + v.diagnostics()));
        return fleet.group(GROUP).orElseThrow();
    }

    /** The build of {@code image} made at {@code commit} (or the only one). */
    static Build built(Sim sim, String image, Optional<String> commit) {
        List<Build> builds = sim.store().builds().values().stream().filter(b -> b.image().equals(image))
                .filter(b -> commit.isEmpty() || b.commit().equals(commit.get())).toList();
        if (builds.size() != 1) throw new AssertionError("expected one build of " + image + " at " + commit + ": " + builds);
        return builds.get(0);
    }

    /** A commit and the digest of dc-bonded it built. */
    record Commit(String id, String digest) {
    }

    /** Commits, reconciles at once (as the push webhook does), and returns the commit with dc-bonded's new digest. */
    Commit commitAndBuild(String message) throws Exception {
        String commit = commitAndReconcile(message);
        return new Commit(commit, built(sim, "dc-bonded", Optional.of(commit)).imageDigest());
    }

    /** Commits and reconciles at once, as the push webhook does; returns the commit id. */
    String commitAndReconcile(String message) throws Exception {
        String commit = repo.commit(message);
        sim.line("git", "commit " + commit.substring(0, 12) + ": " + message);
        sim.reconcileNow();
        return commit;
    }

    /** {@code day} November 2026 at {@code hour:minute} in Berlin. */
    static Instant berlin(int day, int hour, int minute) {
        return ZonedDateTime.of(2026, 11, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    /** One group of {@code strata status --format json}. */
    com.fasterxml.jackson.databind.JsonNode groupStatus() throws Exception {
        for (com.fasterxml.jackson.databind.JsonNode g : status().path("groups")) {
            if (g.path("group").asText().equals(GROUP)) return g;
        }
        throw new AssertionError("strata status shows no group " + GROUP);
    }

    /** The history of the group, oldest first. */
    List<HistoryEntry> history() {
        List<HistoryEntry> entries = new java.util.ArrayList<>(sim.store().history(Optional.of(GROUP), 1000));
        java.util.Collections.reverse(entries);
        return entries;
    }

    /** dc-east's windows, worked out here rather than with Strata's window code. */
    static final Sim.Windows NIGHTS = new Sim.Windows() {
        @Override
        public boolean open(Instant t) {
            return insideNightWindow(t);
        }

        @Override
        public Instant nextOpening(Instant t) {
            ZonedDateTime z = t.atZone(BERLIN).toLocalDate().atTime(1, 0).atZone(BERLIN);
            while (!z.toInstant().isAfter(t) || z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY) {
                z = z.plusDays(1);
            }
            return z.toInstant();
        }
    };

    /** Independent of Strata's own window code: Monday to Friday, 01:00 to 05:00 in Berlin. */
    static boolean insideNightWindow(Instant t) {
        ZonedDateTime z = t.atZone(BERLIN);
        boolean weekday = z.getDayOfWeek() != DayOfWeek.SATURDAY && z.getDayOfWeek() != DayOfWeek.SUNDAY;
        LocalTime time = z.toLocalTime();
        return weekday && !time.isBefore(LocalTime.of(1, 0)) && time.isBefore(LocalTime.of(5, 0));
    }

    /** {@code strata ARGS --repo REPO --state STATE}, in this JVM. */
    Sim.Cli.Run strata(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--repo", repo.dir.toString(), "--state", state.toString()));
        return Sim.cli(all.toArray(String[]::new));
    }

    /** {@code strata status --format json} as of the simulated time. */
    com.fasterxml.jackson.databind.JsonNode status() throws Exception {
        Sim.Cli.Run r = strata("status", "--offline", "--format", "json", "--now", sim.now().toString());
        if (r.exitCode() != 0) throw new AssertionError("strata status: " + r);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    }

    @Override
    public void close() throws Exception {
        try {
            sim.close();
        } finally {
            repo.close();
        }
    }
}
