package dev.strata.e2e;

import dev.strata.cli.Main;
import dev.strata.plan.MachineState;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The simulated world: a clock, simulated hosts and {@code strata serve}, driven by one queue of events in
 * simulated time (host timers, boots, checks, and a reconcile every {@link #TICK}). Events run one at a
 * time, in time order, on the test's thread, so a run is the same for the same seed. After every event the
 * invariants are checked against what the state file and the hosts say at that moment: no more FleetLock
 * holders, and no more machines off the digest they were released for, than maxUnavailable allows in the
 * group and the disruption budget in each rack; every host that is down holds a slot.
 */
final class Sim implements AutoCloseable {
    /** Where the lines of a run go; the tail is shown when a scenario fails. */
    interface Log {
        void line(String line);
    }

    /** The group's limits as its spec states them. */
    record Limits(int maxUnavailable, int perRack) {
    }

    /** A FleetLock slot a host was granted: when, and the digest it rebooted into. */
    record Grant(Instant at, String host, String rack, String digest) {
    }

    /** A pre-reboot refused: the {@code kind} and {@code value} of the error. */
    record Refusal(Instant at, String host, String kind, String value) {
    }

    /** A host up on a new deployment that passed its check, reported and gave its slot back. */
    record Arrival(Instant at, String host, String digest) {
    }

    private record Event(Instant at, long seq, String who, String what, Runnable action) {
    }

    final SimClock clock;
    final long seed;
    final MachineGroup group;
    private Limits limits;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(Event::seq));
    private long seq;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final Map<String, String> rackOf = new HashMap<>();
    private final Set<String> writtenOff = new HashSet<>();
    private final StateStore observer;
    private final Path repo;
    private final Path state;
    private final List<String> lines = new ArrayList<>();
    final List<Grant> grants = new ArrayList<>();
    final List<Arrival> arrivals = new ArrayList<>();
    final List<Refusal> refusals = new ArrayList<>();
    final List<String> reconciles = new ArrayList<>();
    Serve serve;
    /** When a window is open (or something is under way): serve's and the agent's own cadence. */
    static final Duration TICK = Duration.ofMinutes(5);
    static final Duration TIMER = Duration.ofMinutes(5);
    static final Duration TIMER_SPREAD = Duration.ofMinutes(2);
    /** Outside the windows with every host up, time goes faster: nothing may happen then. */
    static final Duration QUIET_STEP = Duration.ofHours(1);

    /** The group's maintenance windows, as the test reads them from the spec (not through Strata's code). */
    interface Windows {
        Windows ALWAYS = new Windows() {
            @Override
            public boolean open(Instant t) {
                return true;
            }

            @Override
            public Instant nextOpening(Instant t) {
                return t;
            }
        };

        boolean open(Instant t);

        Instant nextOpening(Instant t);
    }

    private Windows windows = Windows.ALWAYS;
    private boolean ticking;
    private int maxHolders;
    private int maxDown;
    private int maxDownInARack;
    private long checks;

    Sim(SimClock clock, long seed, MachineGroup group, Limits limits, Path repo, Path state) {
        this.clock = clock;
        this.seed = seed;
        this.group = group;
        this.limits = limits;
        this.random = new SplittableRandom(seed);
        this.repo = repo;
        this.state = state;
        this.observer = SqliteStateStore.open(state);
        for (Machine m : group.machines()) rackOf.put(m.id(), m.labels().getOrDefault("rack", ""));
    }

    Instant now() {
        return clock.instant();
    }

    SplittableRandom random() {
        return random;
    }

    StateStore store() {
        return observer;
    }

    /** A commit may change the limits; the invariants follow the spec in force. */
    void limits(Limits l) {
        limits = l;
    }

    /**
     * Enrols every machine of the group as a person would ({@code strata machine-config --env-file}) and starts
     * a simulated host for each, booted from {@code image} (a digest reference) and reporting within a minute.
     */
    void provision(String image, String registryHost, HttpClient http, Path envDir) throws Exception {
        for (Machine m : group.machines()) {
            Path env = envDir.resolve(m.name() + ".env");
            Cli.Run r = cli("machine-config", "--repo", repo.toString(), "--state", state.toString(),
                    "--url", serve.baseUrl().toString(), "--env-file", env.toString(), m.name());
            if (r.exitCode() != 0) throw new AssertionError("machine-config " + m.name() + ": " + r);
            SimHost host = new SimHost(m.name(), rackOf.get(m.id()), SimHost.Settings.read(env), image, registryHost, http, this);
            hosts.put(m.name(), host);
            after(host, "provisioned", Duration.ofSeconds(random.nextLong(60)), host::provisioned);
        }
    }

    SimHost host(String name) {
        SimHost h = hosts.get(name);
        if (h == null) throw new IllegalArgumentException("no host " + name);
        return h;
    }

    List<SimHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** A host a person has written off (its slot released by hand): no longer expected to hold a slot. */
    void writeOff(SimHost h) {
        writtenOff.add(h.name);
    }

    /**
     * The group's windows, as the test reads them from the spec: outside them, while every host is up, host
     * timers and reconciles run every {@link #QUIET_STEP} instead of every five minutes, to keep the
     * simulation short. The invariants are checked after each of those events all the same.
     */
    void windows(Windows w) {
        windows = w;
    }

    /** How long the next step may be: five minutes, or while quiet up to an hour, but never past a window's opening. */
    private Duration cadence() {
        if (windows.open(now()) || hosts.values().stream().anyMatch(SimHost::down)) return TICK;
        Duration untilOpen = Duration.between(now(), windows.nextOpening(now()));
        if (untilOpen.compareTo(QUIET_STEP) >= 0) return QUIET_STEP;
        return untilOpen.compareTo(TICK) > 0 ? untilOpen : TICK;
    }

    /** When a host's timer fires next: the agent's 5 minutes plus up to 2 at random (longer while quiet). */
    Duration timerDelay() {
        return cadence().plusMillis(random.nextLong(TIMER_SPREAD.toMillis() + 1));
    }

    /** Starts the reconcile ticks: the first one now, then every {@link #TICK} (or {@link #QUIET_STEP}). */
    void startTicking() {
        if (ticking) return;
        ticking = true;
        at(now(), "serve", "reconcile", this::tick);
    }

    private void tick() {
        at(now().plus(cadence()), "serve", "reconcile", this::tick);
        if (serve == null) return;
        try {
            String outcome = serve.reconcile();
            reconciles.add(now() + " " + outcome);
            line("serve", "reconciled: " + outcome);
        } catch (Exception e) {
            throw new AssertionError("reconcile at " + now() + ": " + e.getMessage() + tail(), e);
        }
    }

    /** One reconcile now, outside the ticks (after a commit, say). */
    String reconcileNow() throws Exception {
        String outcome = serve.reconcile();
        reconciles.add(now() + " " + outcome);
        line("serve", "reconciled: " + outcome);
        checkInvariants("a reconcile");
        return outcome;
    }

    void after(SimHost host, String what, Duration delay, Runnable action) {
        at(now().plus(delay), host.name, what, action);
    }

    private void at(Instant t, String who, String what, Runnable action) {
        events.add(new Event(t, seq++, who, what, action));
    }

    /** Runs events until {@code done} holds, failing when it does not by {@code deadline}. */
    void runUntil(String what, BooleanSupplier done, Instant deadline) {
        while (!done.getAsBoolean()) {
            Event e = events.peek();
            if (e == null || e.at().isAfter(deadline)) {
                throw new AssertionError("not reached by " + deadline + ": " + what + "\n" + describe() + tail());
            }
            step();
        }
    }

    /** Runs every event up to {@code t}, then moves the clock to {@code t}. */
    void runTo(Instant t) {
        while (!events.isEmpty() && !events.peek().at().isAfter(t)) step();
        clock.set(t);
    }

    final Map<String, long[]> timing = new java.util.TreeMap<>();

    private void step() {
        Event e = events.poll();
        clock.set(e.at());
        long t0 = System.nanoTime();
        try {
            e.action().run();
            long[] t = timing.computeIfAbsent(e.what(), k -> new long[2]);
            t[0]++;
            t[1] += System.nanoTime() - t0;
        } catch (AssertionError failure) {
            throw new AssertionError(failure.getMessage() + "\n(seed " + seed + ")" + tail(), failure);
        }
        long t1 = System.nanoTime();
        checkInvariants(e.who() + " " + e.what());
        long[] t = timing.computeIfAbsent("invariants", k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - t1;
    }

    /** The invariants, as the state file and the hosts show them now. */
    void checkInvariants(String after) {
        checks++;
        record Seen(List<FleetLockHolder> holders, Map<String, MachineState> machines) {
        }
        Seen seen = observer.read(r -> new Seen(r.fleetLockHolders(group.name()), r.machines()));
        Set<String> holderIds = new HashSet<>();
        Map<String, Integer> holdersPerRack = new HashMap<>();
        for (FleetLockHolder h : seen.holders()) {
            holderIds.add(h.machineId());
            holdersPerRack.merge(rackOf.get(h.machineId()), 1, Integer::sum);
        }
        check(seen.holders().size() <= limits.maxUnavailable(), after, seen.holders().size() + " FleetLock holders in "
                + group.name() + ", more than maxUnavailable " + limits.maxUnavailable() + ": " + seen.holders());
        holdersPerRack.forEach((rack, n) -> check(n <= limits.perRack(), after, n + " FleetLock holders in rack " + rack
                + ", over its disruption budget " + limits.perRack()));

        Map<String, Integer> updatingPerRack = new HashMap<>();
        int updating = 0;
        for (Machine m : group.machines()) {
            MachineState s = seen.machines().get(m.id());
            if (s == null || s.releasedDigest().isEmpty() || s.runs(s.releasedDigest().get()) || s.failure().isPresent()) continue;
            updating++;
            updatingPerRack.merge(rackOf.get(m.id()), 1, Integer::sum);
        }
        check(updating <= limits.maxUnavailable(), after, updating + " machines released for a digest they do not boot yet,"
                + " more than maxUnavailable " + limits.maxUnavailable());
        updatingPerRack.forEach((rack, n) -> check(n <= limits.perRack(), after, n + " machines of rack " + rack
                + " released for a digest they do not boot yet, over its disruption budget " + limits.perRack()));

        int down = 0;
        Map<String, Integer> downPerRack = new HashMap<>();
        for (SimHost h : hosts.values()) {
            if (!h.down() || writtenOff.contains(h.name)) continue;
            down++;
            downPerRack.merge(h.rack, 1, Integer::sum);
            check(holderIds.contains(h.id()), after, h + " is down but holds no FleetLock slot; holders: " + seen.holders());
        }
        check(down <= limits.maxUnavailable(), after, down + " hosts down at once, more than maxUnavailable " + limits.maxUnavailable());
        downPerRack.forEach((rack, n) -> check(n <= limits.perRack(), after, n + " hosts of rack " + rack + " down at once"));
        maxHolders = Math.max(maxHolders, seen.holders().size());
        maxDown = Math.max(maxDown, down);
        maxDownInARack = Math.max(maxDownInARack, downPerRack.values().stream().max(Integer::compare).orElse(0));
        if (serve instanceof InProcessServe p && !p.problems.isEmpty()) {
            throw new AssertionError("serve reported problems: " + p.problems + tail());
        }
    }

    private void check(boolean ok, String after, String what) {
        if (!ok) throw new AssertionError("at " + now() + ", after " + after + ": " + what + "\n(seed " + seed + ")\n" + describe() + tail());
    }

    int maxHolders() {
        return maxHolders;
    }

    int maxDown() {
        return maxDown;
    }

    int maxDownInARack() {
        return maxDownInARack;
    }

    long invariantChecks() {
        return checks;
    }

    void granted(SimHost h, String digest) {
        grants.add(new Grant(now(), h.name, h.rack, digest));
    }

    void released(SimHost h) {
        line(h.name, "slot released");
    }

    void refused(SimHost h, String kind, String value) {
        refusals.add(new Refusal(now(), h.name, kind, value));
        line(h.name, "pre-reboot refused: " + kind + ": " + value);
    }

    void arrived(SimHost h, String digest) {
        arrivals.add(new Arrival(now(), h.name, digest));
    }

    void log(SimHost h, String line) {
        line(h.name, line);
    }

    void line(String who, String line) {
        lines.add(now() + " " + who + ": " + line);
    }

    Log log() {
        return l -> line("-", l);
    }

    /** Every host on {@code digest}, and up. */
    boolean allOn(String digest) {
        return hosts.values().stream().allMatch(h -> h.booted().equals(digest) && !h.down());
    }

    String describe() {
        StringBuilder b = new StringBuilder("hosts:");
        for (SimHost h : hosts.values()) b.append("\n  ").append(h);
        b.append("\nthe group's history, newest first:");
        observer.history(Optional.of(group.name()), 12).forEach(e -> b.append("\n  ").append(e.time()).append(' ')
                .append(e.kind()).append(' ').append(e.detail()).append(": ").append(e.reason()));
        return b.toString();
    }

    private String tail() {
        List<String> last = lines.subList(Math.max(0, lines.size() - 80), lines.size());
        return "\n--- the last " + last.size() + " of " + lines.size() + " simulation lines:\n" + String.join("\n", last);
    }

    /** The strata command in this JVM, as a person at a shell would run it. */
    static Cli.Run cli(String... args) {
        return Cli.run(args);
    }

    static String short12(String digest) {
        return digest == null ? "-" : digest.startsWith("sha256:") ? digest.substring(7, 19) : digest;
    }

    @Override
    public void close() throws Exception {
        timing.forEach((k, v) -> System.out.println("TIMING " + k + ": " + v[0] + " events, " + v[1] / 1_000_000 + " ms"));
        try {
            if (serve != null) serve.close();
        } finally {
            observer.close();
        }
    }

    /** Runs {@code strata ARGS} through {@link Main#run}. */
    static final class Cli {
        record Run(int exitCode, String out, String err) {
            @Override
            public String toString() {
                return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
            }
        }

        static Run run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Run(code, out.toString(), err.toString());
        }
    }

    Optional<SimHost> hostById(String id) {
        return hosts.values().stream().filter(h -> h.id().equals(id)).findFirst();
    }
}
