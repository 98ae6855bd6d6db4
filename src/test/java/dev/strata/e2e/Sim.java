package dev.strata.e2e;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

    /** The group's limits as its spec states them: maxUnavailable, and the disruption budget per rack. */
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
    private final Invariants invariants;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparing(Event::at).thenComparingLong(Event::seq));
    private long seq;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
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

    Sim(SimClock clock, long seed, MachineGroup group, Limits limits, Path repo, Path state) {
        this.clock = clock;
        this.seed = seed;
        this.group = group;
        this.invariants = new Invariants(group, limits);
        this.random = new SplittableRandom(seed);
        this.repo = repo;
        this.state = state;
        this.observer = SqliteStateStore.open(state);
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
        invariants.limits(l);
    }

    /**
     * Enrols every machine of the group as a person would ({@code strata machine-config --env-file}) and starts
     * a simulated host for each, booted from {@code image} (a digest reference) and reporting within a minute.
     */
    void provision(String image, String registryHost, HttpClient http, Path envDir) throws Exception {
        for (Machine m : group.machines()) {
            Path env = envDir.resolve(m.name() + ".env");
            Cli.Run r = Cli.run("machine-config", "--repo", repo.toString(), "--state", state.toString(),
                    "--url", serve.baseUrl().toString(), "--env-file", env.toString(), m.name());
            if (r.exitCode() != 0) throw new AssertionError("machine-config " + m.name() + ": " + r);
            SimHost host = new SimHost(m.name(), Invariants.rack(m), SimHost.Settings.read(env), image, registryHost, http, this);
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

    /**
     * How long the next step may be: five minutes, or while quiet (windows closed, no host rebooting or checking;
     * one that never came back does not count) up to an hour, but never past a window's opening.
     */
    private Duration cadence() {
        if (windows.open(now()) || hosts.values().stream().anyMatch(h -> h.down() && h.phase() != SimHost.Phase.GONE)) return TICK;
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

    private void step() {
        Event e = events.poll();
        clock.set(e.at());
        try {
            e.action().run();
        } catch (AssertionError failure) {
            throw new AssertionError(failure.getMessage() + "\n(seed " + seed + ")" + tail(), failure);
        }
        checkInvariants(e.who() + " " + e.what());
    }

    /** The invariants, as the state file and the hosts show them now; fails the scenario when one is broken. */
    void checkInvariants(String after) {
        Optional<String> broken = invariants.check(observer, hosts.values(), writtenOff);
        if (broken.isPresent()) {
            throw new AssertionError("at " + now() + ", after " + after + ": " + broken.get() + "\n(seed " + seed + ")\n"
                    + describe() + tail());
        }
        if (serve instanceof InProcessServe p && !p.problems.isEmpty()) {
            throw new AssertionError("serve reported problems: " + p.problems + tail());
        }
    }

    int maxHolders() {
        return invariants.maxHolders();
    }

    int maxDownInARack() {
        return invariants.maxDownInARack();
    }

    /** One line for the test log: how much was simulated and checked. */
    String summary() {
        return "seed " + seed + ": simulated until " + now() + ", " + seq + " events, " + invariants.checks() + " invariant checks, "
                + grants.size() + " slots granted, " + refusals.size() + " refused, " + reconciles.size() + " reconciles";
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

    static String short12(String digest) {
        return digest == null ? "-" : digest.startsWith("sha256:") ? digest.substring(7, 19) : digest;
    }

    @Override
    public void close() throws Exception {
        try {
            if (serve != null) serve.close();
        } finally {
            observer.close();
        }
    }
}
