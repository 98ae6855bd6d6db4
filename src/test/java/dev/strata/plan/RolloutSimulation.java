package dev.strata.plan;

import dev.strata.plan.ObservedBuilder.States;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Wave;
import dev.strata.spec.Window;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import static dev.strata.plan.Fleets.IN2;
import static dev.strata.plan.Fleets.IN3;
import static dev.strata.plan.Fleets.T1;
import static dev.strata.plan.Fleets.T2;
import static dev.strata.plan.Fleets.T3;

/**
 * One generated group rolled out step by step: plan at the simulated time, apply the group's action the
 * way apply does (releases on machine states, rollout state on the group), then let released machines
 * boot, fail or time out. Every step checks the rules no plan may break; {@link #violations()} lists them.
 */
final class RolloutSimulation {
    /** Stands for "approved names whatever the target is", filled in when the spec is planned. */
    private static final String EVERY_TARGET = "*";
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kolkata"));

    /** What the generated world is allowed to do. */
    record Options(boolean failures, boolean windows, boolean approvals) {
    }

    final long seed;
    final MachineGroup group;
    private final Random rnd;
    private final Options options;
    private final double bootChance;
    private final double failChance;
    private final Map<String, MachineState> machines = new HashMap<>();
    private GroupState state;
    private String inputs = IN2;
    private Instant now;
    private final List<String> violations = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private Action last;

    RolloutSimulation(long seed, Options options) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.options = options;
        this.group = generate();
        this.bootChance = 0.3 + 0.6 * rnd.nextDouble();
        this.failChance = options.failures() ? 0.1 * rnd.nextDouble() : 0;
        this.now = Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofMinutes(rnd.nextInt(365 * 24 * 60)));
        this.state = rnd.nextBoolean() ? GroupState.fresh(group.name())
                : new GroupState(group.name(), Optional.of(T1), Optional.empty(), Optional.of(now.minus(Duration.ofDays(40))),
                GroupState.Status.DONE, Set.of(), false);
        for (Machine m : group.machines()) {
            machines.put(m.id(), States.updated(m, T1, now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(39))));
        }
    }

    // ---- the generated group

    private MachineGroup generate() {
        int n = 1 + rnd.nextInt(60);
        int racks = 1 + rnd.nextInt(5);
        List<Machine> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ms.add(Fleets.machine(i, Map.of("rack", "r" + rnd.nextInt(racks), "tier", rnd.nextBoolean() ? "a" : "b")));
        }
        Fleets.GroupBuilder b = Fleets.group("g" + seed).machines(ms);
        List<Wave> waves = waves(ms, racks);
        waves.forEach(b::waves);
        if (rnd.nextBoolean()) b.maxUnavailable(1 + rnd.nextInt(5));
        else b.maxUnavailablePercent(1 + rnd.nextInt(50));
        if (rnd.nextBoolean()) b.budget("rack", rnd.nextBoolean() ? new Quantity(1 + rnd.nextInt(2), false)
                : new Quantity(1 + rnd.nextInt(60), true));
        b.bakeTime(List.of(Duration.ZERO, Duration.ofMinutes(10), Duration.ofHours(1)).get(rnd.nextInt(3)));
        if (waves.size() > 1 && rnd.nextInt(4) == 0) {
            b.holdAfter(waves.get(rnd.nextInt(waves.size() - 1)).name());
            if (options.approvals()) b.approved(EVERY_TARGET);
            else if (rnd.nextBoolean()) b.approved(List.of(T1, T2, T3).get(rnd.nextInt(3)));
        }
        b.timeZone(ZONES.get(rnd.nextInt(ZONES.size())).getId()).updateTimeout(Duration.ofMinutes(30 + rnd.nextInt(150)));
        if (options.windows()) {
            int count = rnd.nextInt(3);
            for (int i = 0; i < count; i++) b.window(randomWindow());
        }
        if (!options.failures()) b.updateTimeout(Duration.ofDays(2));
        int maxFailures = 1 + rnd.nextInt(3);
        if (rnd.nextBoolean()) b.haltAfter(maxFailures);
        else b.rollBackAfter(maxFailures);
        return b.build();
    }


    private List<Wave> waves(List<Machine> ms, int racks) {
        int count = 1 + rnd.nextInt(4);
        List<Wave> out = new ArrayList<>();
        int lastPercent = 0;
        for (int i = 0; i < count - 1; i++) {
            int threshold = List.of(0, 50, 80, 100, 100).get(rnd.nextInt(5));
            int kind = rnd.nextInt(3);
            if (kind == 2 && lastPercent < 98) {
                lastPercent = lastPercent + 1 + rnd.nextInt(98 - lastPercent);
                out.add(new Wave("w" + i, List.of(), Map.of(), OptionalInt.of(lastPercent), threshold));
            } else if (kind == 1) {
                out.add(new Wave("w" + i, List.of(), Map.of("rack", "r" + rnd.nextInt(racks)), OptionalInt.empty(), threshold));
            } else {
                List<String> names = new ArrayList<>();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) names.add(ms.get(rnd.nextInt(ms.size())).name());
                out.add(new Wave("w" + i, names, Map.of(), OptionalInt.empty(), threshold));
            }
        }
        out.add(new Wave("last", List.of(), Map.of(), OptionalInt.of(100), List.of(50, 100).get(rnd.nextInt(2))));
        return out;
    }

    private Window randomWindow() {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) if (rnd.nextInt(3) == 0) days.add(d);
        if (days.isEmpty()) days.add(DayOfWeek.of(1 + rnd.nextInt(7)));
        return new Window(days, LocalTime.of(rnd.nextInt(24), 15 * rnd.nextInt(4)), Duration.ofMinutes(30 + rnd.nextInt(8 * 60)));
    }

    // ---- the loop

    /** Runs at most {@code steps} plans; stops early once the group is done or stopped for good. */
    RolloutSimulation run(int steps, boolean mayChangeTarget) {
        for (int i = 0; i < steps && violations.isEmpty(); i++) {
            if (mayChangeTarget && inputs.equals(IN2) && rnd.nextInt(60) == 0) inputs = IN3; // a commit mid-rollout
            last = step();
            if (last instanceof Action.NoOp && everyMachineRuns(target())) return this;
            if (last instanceof Action.Hold h && h.cause() == Action.HoldCause.REJECTED_DIGEST) {
                if (!inputs.equals(IN2) || !mayChangeTarget) return this;
                inputs = IN3; // a fix is committed
            }
            if (last instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY) return this;
            if (last instanceof Action.Wait w && w.cause() == Action.WaitCause.MACHINES
                    && machines.values().stream().noneMatch(RolloutSimulation::inFlight)) {
                return this; // failed machines below maxFailures, nothing moving: it stays like this
            }
            if (last instanceof Action.Hold h && h.cause() == Action.HoldCause.APPROVAL && !options.approvals()) return this;
            tick();
        }
        return this;
    }

    private Action step() {
        Desired desired = desired();
        Plan plan = Planner.plan(desired, observed(), now);
        List<Action> mine = plan.actions().stream().filter(a -> a.subject().equals(group.name())).toList();
        if (mine.size() != 1) {
            violate("expected one decision for the group, got " + mine);
            return mine.isEmpty() ? new Action.NoOp(group.name(), "none") : mine.get(0);
        }
        Action a = mine.get(0);
        log.add(now + " " + a);
        apply(a);
        checkLimits(a);
        return a;
    }

    private void apply(Action a) {
        if (a instanceof Action.Promote p) {
            if (!openByReference(now)) violate("PROMOTE outside every window: " + p);
            if (state.rejectedDigests().contains(p.toDigest())) violate("PROMOTE to a rejected digest: " + p);
            release(p.machines(), p.toDigest());
            boolean started = state.target().filter(p.toDigest()::equals).isEmpty();
            state = new GroupState(state.group(), Optional.of(p.toDigest()), started ? p.fromDigest() : state.previous(),
                    started ? Optional.of(now) : state.startedAt(), GroupState.Status.ROLLING, state.rejectedDigests(),
                    state.pausedByOperator());
        } else if (a instanceof Action.Rollback r) {
            if (state.rejectedDigests().contains(r.toDigest()) || r.toDigest().equals(r.fromDigest())) {
                violate("ROLLBACK to a rejected digest: " + r);
            }
            release(r.machines(), r.toDigest());
            Set<String> rejected = new HashSet<>(state.rejectedDigests());
            rejected.add(r.fromDigest());
            state = new GroupState(state.group(), Optional.of(r.toDigest()), Optional.of(r.fromDigest()), state.startedAt(),
                    GroupState.Status.ROLLED_BACK, rejected, state.pausedByOperator());
        } else if (a instanceof Action.Hold h && h.cause() == Action.HoldCause.FAILURE_POLICY) {
            state = new GroupState(state.group(), state.target(), state.previous(), state.startedAt(), GroupState.Status.HALTED,
                    state.rejectedDigests(), state.pausedByOperator());
        } else if (a instanceof Action.Hold h && h.cause() == Action.HoldCause.REJECTED_DIGEST) {
            for (Machine m : group.machines()) {
                MachineState s = machines.get(m.id());
                if (s.releasedDigest().filter(state.rejectedDigests()::contains).isPresent()) {
                    violate("holding on a rejected digest while " + m.name() + " is still released for it: " + s);
                }
            }
        }
    }

    private void release(List<String> names, String digest) {
        Map<String, Machine> byName = Fleets.byName(group);
        for (String name : names) {
            Machine m = byName.get(name);
            if (m == null) {
                violate("released unknown machine " + name);
                continue;
            }
            machines.put(m.id(), States.released(machines.get(m.id()), digest, now));
        }
    }

    /** Time passes; each machine on its way either boots the digest it was released for, fails, or stays put. */
    private void tick() {
        now = now.plus(Duration.ofMinutes(1 + rnd.nextInt(options.windows() ? 180 : 30)));
        for (Machine m : group.machines()) {
            MachineState s = machines.get(m.id());
            if (!inFlight(s)) continue;
            double roll = rnd.nextDouble();
            if (roll < failChance) machines.put(m.id(), States.failure(s, "update failed"));
            else if (roll < failChance + bootChance) machines.put(m.id(), States.booted(s, s.releasedDigest().orElseThrow(), now));
        }
    }

    // ---- the rules

    private void checkLimits(Action a) {
        Rollout r = group.rollout();
        int max = r.maxUnavailable().of(group.machines().size());
        long flying = group.machines().stream().filter(m -> inFlight(machines.get(m.id()))).count();
        if (flying > max) violate(flying + " machines in flight, maxUnavailable " + max + ", after " + a);
        r.disruptionBudget().ifPresent(b -> {
            Map<String, Integer> size = new HashMap<>();
            Map<String, Integer> used = new HashMap<>();
            for (Machine m : group.machines()) {
                String rack = m.labels().get("rack");
                size.merge(rack, 1, Integer::sum);
                if (inFlight(machines.get(m.id()))) used.merge(rack, 1, Integer::sum);
            }
            used.forEach((rack, n) -> {
                int budget = b.maxUnavailable().of(size.get(rack));
                if (n > budget) violate(n + " machines of rack " + rack + " in flight, budget " + budget + ", after " + a);
            });
        });
    }

    /** Released for some digest, not running it, no failure reported: down or about to be. */
    static boolean inFlight(MachineState s) {
        return s.releasedDigest().isPresent() && !s.runs(s.releasedDigest().get()) && s.failure().isEmpty();
    }

    /** An independent reading of the windows: each occurrence in the last eight local days, in real time. */
    private boolean openByReference(Instant t) {
        Rollout r = group.rollout();
        if (r.windows().isEmpty()) return true;
        LocalDate today = t.atZone(r.timeZone()).toLocalDate();
        for (Window w : r.windows()) {
            for (LocalDate d = today.minusDays(8); !d.isAfter(today); d = d.plusDays(1)) {
                if (!w.days().contains(d.getDayOfWeek())) continue;
                ZonedDateTime start = d.atTime(w.start()).atZone(r.timeZone());
                if (!t.isBefore(start.toInstant()) && t.isBefore(start.toInstant().plusSeconds(w.length().toSeconds()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void violate(String what) {
        violations.add("seed " + seed + " at " + now + ": " + what);
    }

    // ---- views

    String target() {
        return inputs.equals(IN2) ? T2 : T3;
    }

    boolean everyMachineRuns(String digest) {
        return group.machines().stream().allMatch(m -> machines.get(m.id()).runs(digest));
    }

    Action lastAction() {
        return last;
    }

    List<String> violations() {
        return violations;
    }

    /** The last plans, for a failure message. */
    String tail() {
        return String.join("\n", log.subList(Math.max(0, log.size() - 8), log.size()));
    }

    private Desired desired() {
        MachineGroup g = group;
        Rollout r = g.rollout();
        if (r.approved().filter(EVERY_TARGET::equals).isPresent()) {
            Rollout approved = new Rollout(r.waves(), r.maxUnavailable(), r.disruptionBudget(), r.holdAfter(),
                    Optional.of(target()), r.bakeTime(), r.timeZone(), r.windows(), r.paused(), r.updateTimeout(), r.failurePolicy());
            g = new MachineGroup(g.name(), g.image(), g.delivery(), g.machines(), approved, g.agent(), g.origin());
        }
        return Fleets.desired(inputs, g);
    }

    private Observed observed() {
        ObservedBuilder o = ObservedBuilder.observed().built(T1, T2, T3).group(state);
        machines.values().forEach(o::machine);
        return o.build();
    }
}
