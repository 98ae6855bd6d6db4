package dev.strata.plan;

import dev.strata.spec.Durations;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import dev.strata.spec.Wave;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.strata.plan.BuildPlanner.short12;

/**
 * One group's rollout decision. The target is the build of the image's inputs at this revision, so
 * a revert rolls the older configuration back out. Waves advance in order inside windows, after the
 * previous wave met its threshold and baked; maxUnavailable and the disruption budget cap how many
 * machines are in flight at every moment, including machines still moving to a superseded target.
 */
final class RolloutPlanner {
    private RolloutPlanner() {
    }

    static List<Action> plan(MachineGroup g, Desired d, Observed o, Instant now) {
        InputsDigest inputs = d.inputs().get(g.image());
        Optional<Build> build = inputs == null ? Optional.empty() : o.build(inputs.digest());
        GroupState state = o.group(g.name()).orElse(GroupState.fresh(g.name()));
        if (build.isEmpty()) {
            return List.of(new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.BUILD, Optional.empty(),
                    "waiting for image '" + g.image() + "' to be built"
                            + (inputs == null ? "" : " (inputs " + short12(inputs.digest()) + ")")));
        }
        Optional<Barriers.Detour> detour = Barriers.check(g, build.get(), d, o);
        if (detour.isPresent() && detour.get().interim().isEmpty()) {
            return List.of(new Action.Hold(g.name(), Action.HoldCause.BARRIER, detour.get().reason()));
        }
        if (Releases.zincati(g) && detour.isEmpty()
                && Releases.needsRepublish(build.get(), o.releases(g.name()), state.rejectedDigests())) {
            return List.of(new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.BUILD, Optional.empty(),
                    "waiting for image '" + g.image() + "' (" + short12(build.get().imageDigest()) + ") to be published again"
                            + " as a new release: Zincati only moves forward"));
        }
        String target = detour.flatMap(Barriers.Detour::interim).map(Build::imageDigest).orElse(build.get().imageDigest());
        return new GroupDecision(g, o, state, target, now).decide();
    }

    /** The machines of a group classified against one target digest. */
    private static final class GroupDecision {
        private final MachineGroup g;
        private final Observed o;
        private final GroupState state;
        private final String target;
        private final Instant now;
        private final Rollout r;
        private final PlatformDigests platforms;

        GroupDecision(MachineGroup g, Observed o, GroupState state, String target, Instant now) {
            this.platforms = PlatformDigests.of(o.builds().values());
            this.g = g;
            this.o = o;
            this.state = state;
            this.target = target;
            this.now = now;
            this.r = g.rollout();
        }

        /** Each machine's state is asked for several times per wave: looked up once (by identity, cheaply). */
        private final Map<Machine, MachineState> states = new IdentityHashMap<>();

        MachineState ms(Machine m) {
            MachineState s = states.get(m);
            if (s == null) {
                s = o.machine(m.id()).orElseGet(() -> MachineState.unknown(m.id()));
                states.put(m, s);
            }
            return s;
        }

        boolean updated(Machine m) {
            return runs(m, target);
        }

        /** Boots image {@code digest}: for a multi-arch image, its manifest of the machine's platform. */
        boolean runs(Machine m, String digest) {
            return ms(m).booted().filter(b -> platforms.same(b, digest, m.platform())).isPresent();
        }

        boolean released(Machine m, String digest) {
            return ms(m).releasedDigest().filter(r -> platforms.same(r, digest, m.platform())).isPresent();
        }

        boolean failed(Machine m) {
            MachineState s = ms(m);
            if (updated(m) || !released(m, target)) return false;
            return s.failure().isPresent() || timedOut(s);
        }

        boolean timedOut(MachineState s) {
            return s.releasedAt().map(t -> Windows.timedOut(r, t, now)).orElse(false);
        }

        /** Released for some digest, not yet running it, and not reporting a failure: down or about to be. */
        boolean inFlight(Machine m) {
            MachineState s = ms(m);
            return s.releasedDigest().isPresent() && !runs(m, s.releasedDigest().get()) && s.failure().isEmpty();
        }

        /** The digest before the target, never one that was rolled back: a rollback must not return to it. */
        Optional<String> previousDigest() {
            Optional<String> recorded = state.target().filter(t -> !t.equals(target)).or(state::previous);
            if (recorded.isPresent()) return recorded.filter(d -> !d.equals(target) && offerable(d));
            // First rollout: the digest most machines run now.
            Map<String, Integer> counts = new HashMap<>();
            for (Machine m : g.machines()) {
                ms(m).booted().map(platforms::image).filter(b -> !b.equals(target) && offerable(b))
                        .ifPresent(b -> counts.merge(b, 1, Integer::sum));
            }
            return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey);
        }

        boolean offerable(String digest) {
            return !state.rejectedDigests().contains(digest);
        }

        List<Action> decide() {
            if (state.rejectedDigests().contains(target)) return rejected();
            List<Machine> failedMachines = g.machines().stream().filter(this::failed).toList();
            if (!failedMachines.isEmpty() && failedMachines.size() >= r.failurePolicy().maxFailures()) {
                return failurePolicy(failedMachines);
            }
            if (state.status() == GroupState.Status.HALTED && state.target().filter(target::equals).isPresent()) {
                return List.of(hold(Action.HoldCause.FAILURE_POLICY, "halted by the failure policy at " + short12(target)
                        + "; resume with 'strata rollout resume " + g.name() + "' or commit a fix"));
            }
            if (r.paused() || state.pausedByOperator()) {
                return List.of(hold(Action.HoldCause.PAUSED, (r.paused() ? "paused in the spec" : "paused by an operator")
                        + "; " + g.machines().stream().filter(this::updated).count() + "/" + g.machines().size()
                        + " machines run " + short12(target)));
            }
            return waves();
        }

        private List<Action> waves() {
            List<List<Machine>> members = Waves.members(g);
            List<Wave> waves = r.waves();
            List<Machine> releasable = new ArrayList<>();
            Optional<Instant> previousDone = Optional.empty();
            for (int i = 0; i < waves.size(); i++) {
                Wave w = waves.get(i);
                List<Machine> ms = members.get(i);
                List<Machine> pending = ms.stream().filter(m -> !updated(m) && !released(m, target) && !failed(m)).toList();
                // Only a release for the target opens a wave: a machine that already runs it (provisioned on it)
                // must not let the rest of its wave skip the bake time or the approval gate.
                boolean opened = ms.stream().anyMatch(m -> released(m, target));
                if (!opened && !pending.isEmpty() && i > 0) {
                    Wave prev = waves.get(i - 1);
                    Instant bakedAt = previousDone.orElse(now).plus(r.bakeTime());
                    if (bakedAt.isAfter(now)) {
                        return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.BAKE_TIME, Optional.of(bakedAt),
                                "wave " + prev.name() + " is baking for " + Durations.format(r.bakeTime()) + " until " + bakedAt));
                    }
                    if (r.holdAfter().filter(prev.name()::equals).isPresent()
                            && r.approved().filter(target::equals).isEmpty()) {
                        return List.of(hold(Action.HoldCause.APPROVAL, "held after wave " + prev.name()
                                + " until 'approved' names " + target));
                    }
                }
                releasable.addAll(pending);
                Optional<Instant> done = thresholdMetAt(w, ms, previousDone);
                if (done.isEmpty()) return release(w, releasable, ms);
                previousDone = done;
            }
            if (!releasable.isEmpty()) return release(waves.get(waves.size() - 1), releasable, List.of());
            if (g.machines().stream().anyMatch(m -> released(m, target) && !updated(m))) {
                return List.of(new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.MACHINES, Optional.empty(),
                        waitingFor(g.machines())));
            }
            return List.of(new Action.NoOp(g.name(), "all " + g.machines().size() + " machines run " + short12(target)));
        }

        /**
         * When enough of the wave ran the target: the time the k-th machine was first seen on it. A wave that
         * needs no success is done once it was released; an empty wave passes the previous wave's time on.
         */
        private Optional<Instant> thresholdMetAt(Wave w, List<Machine> ms, Optional<Instant> previousDone) {
            if (ms.isEmpty()) return Optional.of(previousDone.orElse(Instant.MIN));
            int need = (int) Math.ceil(ms.size() * w.successThreshold() / 100.0);
            if (need == 0) {
                return ms.stream().map(m -> released(m, target) ? ms(m).releasedAt()
                                : updated(m) ? Optional.of(ms(m).bootedSince().orElse(now)) : Optional.<Instant>empty())
                        .flatMap(Optional::stream).min(Comparator.naturalOrder());
            }
            List<Instant> times = ms.stream().filter(this::updated).map(m -> ms(m).bootedSince().orElse(now))
                    .sorted().toList();
            return times.size() >= need ? Optional.of(times.get(need - 1)) : Optional.empty();
        }

        private List<Action> release(Wave w, List<Machine> candidates, List<Machine> waveMembers) {
            if (candidates.isEmpty()) {
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.MACHINES, Optional.empty(),
                        "wave " + w.name() + ": " + waitingFor(waveMembers)));
            }
            if (!Windows.isOpen(r, now)) {
                Optional<Instant> next = Windows.nextOpening(r, now);
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.WINDOW, next,
                        "outside the maintenance windows; next opens " + next.map(Instant::toString).orElse("never")));
            }
            Limits limits = new Limits(g, this::inFlight);
            if (limits.free() <= 0) {
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.MAX_UNAVAILABLE, Optional.empty(),
                        "maxUnavailable " + r.maxUnavailable() + " reached: " + limits.inFlight() + " machine(s) updating"));
            }
            Limits.Choice choice = limits.choose(candidates, this::updated, false);
            List<Machine> batch = choice.machines();
            if (batch.isEmpty() && choice.budgetBlocked()) {
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.DISRUPTION_BUDGET, Optional.empty(),
                        "disruption budget reached in every " + String.join("/", r.disruptionBudget().orElseThrow().groupBy())
                                + " with machines left to update"));
            }
            if (batch.isEmpty()) {
                // Every candidate is still moving to an earlier target; it gets the new one once it arrives.
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.MACHINES, Optional.empty(),
                        "wave " + w.name() + ": waiting for " + candidates.size() + " machine(s) still moving to an earlier target"));
            }
            int left = candidates.size() - batch.size();
            String reason = "wave " + w.name() + ": release " + batch.size() + " machine(s) to " + short12(target)
                    + (left > 0 ? "; " + left + " more wait for a free slot" : "");
            return List.of(new Action.Promote(g.name(), w.name(), previousDigest(), target,
                    batch.stream().map(Machine::name).toList(), reason));
        }

        /** Machines on their way to the target, and apart from them the failed ones, which only a person can move. */
        private String waitingFor(List<Machine> ms) {
            long booting = ms.stream().filter(m -> released(m, target) && !updated(m) && !failed(m)).count();
            List<String> failedNames = ms.stream().filter(this::failed).map(Machine::name).toList();
            return "waiting for " + booting + " machine(s) to boot " + short12(target) + (failedNames.isEmpty() ? ""
                    : "; " + failedNames.size() + " failed (" + String.join(", ", failedNames.subList(0, Math.min(5, failedNames.size())))
                    + "), fewer than maxFailures " + r.failurePolicy().maxFailures() + ", and wait for a repair");
        }

        private List<Action> failurePolicy(List<Machine> failedMachines) {
            String names = String.join(", ", failedMachines.stream().map(Machine::name).limit(5).toList());
            String why = failedMachines.size() + " machine(s) failed to update to " + short12(target) + " (" + names + ")";
            Optional<String> back = previousDigest();
            if (r.failurePolicy().action() == Rollout.FailurePolicy.Action.ROLLBACK && back.isPresent()) {
                if (!Releases.zincati(g)) return rollBackTo(back.get(), why + "; rolling back to " + short12(back.get()));
                Forward f = forward(back.get());
                if (f.actions().isEmpty() && f.digest().isPresent()) {
                    return rollBackTo(f.digest().get(), why + "; rolling back to " + short12(back.get())
                            + (f.digest().get().equals(back.get()) ? "" : ", published again as " + short12(f.digest().get())));
                }
                if (!f.actions().isEmpty()) return f.actions();
                return List.of(hold(Action.HoldCause.FAILURE_POLICY, why + "; halted (" + short12(back.get())
                        + " is no recorded build, so it cannot be published to this zincati group as a new release)"));
            }
            return List.of(hold(Action.HoldCause.FAILURE_POLICY, why + "; halted"
                    + (r.failurePolicy().action() == Rollout.FailurePolicy.Action.ROLLBACK ? " (no previous digest to roll back to)" : "")));
        }

        /**
         * Where a zincati group's machines go back to: {@code back} itself when it is the newest release or
         * was never released; the republish of its inputs once that is built; otherwise the actions that
         * republish it (and wait). Empty digest and no actions: there is no release to go back to.
         */
        private Forward forward(String back) {
            List<Release> releases = o.releases(g.name());
            Optional<Release> released = Releases.ofDigest(releases, back);
            // A digest never published to this group (machines provisioned on it, or state from before releases)
            // is published now, as any other: newer than the newest release.
            Optional<Build> b = released.flatMap(r -> o.build(r.inputsDigest()))
                    .or(() -> o.builds().values().stream().filter(x -> x.imageDigest().equals(back)).findFirst());
            if (b.isEmpty()) return new Forward(Optional.empty(), List.of());
            java.util.Set<String> rejected = new java.util.HashSet<>(state.rejectedDigests());
            rejected.add(target);
            boolean unknownAge = Releases.ofDigest(releases, b.get().imageDigest()).isEmpty() && b.get().created().isEmpty()
                    && !releases.isEmpty();
            if (!unknownAge && !Releases.needsRepublish(b.get(), releases, rejected)) {
                return new Forward(Optional.of(b.get().imageDigest()), List.of());
            }
            String what = released.map(Release::version).orElse(short12(back));
            return new Forward(Optional.empty(), List.of(
                    Releases.republish(g, b.get(), releases, "group " + g.name() + " rolls back to " + what),
                    new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.BUILD, Optional.empty(), "rolling back from "
                            + short12(target) + ": waiting for " + what + " to be published again as a new release")));
        }

        private record Forward(Optional<String> digest, List<Action> actions) {
        }

        /** The target was rolled back: finish moving machines back, then hold until a new commit. */
        private List<Action> rejected() {
            Optional<String> back = state.target().filter(t -> !t.equals(target) && offerable(t));
            if (back.isPresent() && Releases.zincati(g)) {
                Forward f = forward(back.get());
                if (!f.actions().isEmpty()) return f.actions();
                back = f.digest();
            }
            if (back.isPresent()) {
                List<Action> a = rollBackTo(back.get(), "rolling back from " + short12(target) + " to " + short12(back.get()));
                if (!a.isEmpty()) return a;
            }
            return List.of(hold(Action.HoldCause.REJECTED_DIGEST, short12(target)
                    + " was rolled back after failures and is never offered again; commit a fix to roll forward"));
        }

        /**
         * Rollbacks ignore waves and windows but still respect maxUnavailable and the disruption budget. Every
         * machine released for the target is released back, including one that never left the previous digest:
         * otherwise it keeps being offered the rejected digest and, if it never reported, holds a slot forever.
         * Machines still on a digest rejected earlier (a fix committed mid-rollback, then failed too) go back as well.
         */
        private List<Action> rollBackTo(String back, String reason) {
            List<Machine> toMove = g.machines().stream()
                    .filter(m -> !released(m, back))
                    .filter(m -> touched(m, target) || state.rejectedDigests().stream().anyMatch(d -> touched(m, d)))
                    // A machine stuck on a failed update is not making room by waiting; it is moved back first.
                    .sorted(Comparator.comparing((Machine m) -> !failed(m)))
                    .toList();
            if (toMove.isEmpty()) return List.of();
            Limits limits = new Limits(g, this::inFlight);
            Limits.Choice choice = limits.choose(toMove, m -> runs(m, back), true);
            if (choice.machines().isEmpty()) {
                return List.of(new Action.Wait(g.name(), Optional.empty(),
                        choice.budgetBlocked() ? Action.WaitCause.DISRUPTION_BUDGET : Action.WaitCause.MAX_UNAVAILABLE,
                        Optional.empty(), reason + "; waiting for a free slot (" + limits.inFlight() + " machine(s) updating)"));
            }
            return List.of(new Action.Rollback(g.name(), target, back, choice.machines().stream().map(Machine::name).toList(), reason));
        }

        /** Runs the digest or was released for it. */
        private boolean touched(Machine m, String digest) {
            return runs(m, digest) || released(m, digest);
        }

        private Action hold(Action.HoldCause cause, String reason) {
            return new Action.Hold(g.name(), cause, reason);
        }
    }

    /** maxUnavailable and the disruption budget, counted over machines in flight. */
    private static final class Limits {
        private final MachineGroup g;
        private final java.util.function.Predicate<Machine> inFlight;
        private final int max;
        private final Map<String, Integer> used = new HashMap<>();
        private final Map<String, Integer> size = new HashMap<>();
        private int flying;

        Limits(MachineGroup g, java.util.function.Predicate<Machine> inFlight) {
            this.g = g;
            this.inFlight = inFlight;
            this.max = g.rollout().maxUnavailable().of(g.machines().size());
            for (Machine m : g.machines()) {
                size.merge(key(m), 1, Integer::sum);
                if (inFlight.test(m)) {
                    flying++;
                    used.merge(key(m), 1, Integer::sum);
                }
            }
        }

        int inFlight() {
            return flying;
        }

        int free() {
            return max - flying;
        }

        /** The machines chosen, and whether the disruption budget turned any candidate away. */
        record Choice(List<Machine> machines, boolean budgetBlocked) {
        }

        /**
         * Candidates in order, as many as the limits allow. A release costs a slot (in the group and in its
         * label group) when it puts a machine in flight that was not: one already running the digest costs
         * nothing, and neither does redirecting a machine already in flight, which only a rollback does.
         */
        Choice choose(List<Machine> candidates, java.util.function.Predicate<Machine> runsDigest, boolean redirect) {
            List<Machine> out = new ArrayList<>();
            int free = free();
            boolean blocked = false;
            Map<String, Integer> taken = new HashMap<>(used);
            for (Machine m : candidates) {
                if (inFlight.test(m)) {
                    if (redirect) out.add(m);
                    continue;
                }
                if (runsDigest.test(m)) {
                    out.add(m);
                    continue;
                }
                if (free <= 0) continue;
                String k = key(m);
                if (taken.getOrDefault(k, 0) >= budget(k)) {
                    blocked = true;
                    continue;
                }
                taken.merge(k, 1, Integer::sum);
                out.add(m);
                free--;
            }
            return new Choice(out, blocked);
        }

        private int budget(String key) {
            return g.rollout().disruptionBudget().map(b -> b.maxUnavailable().of(size.get(key))).orElse(Integer.MAX_VALUE);
        }

        private String key(Machine m) {
            return g.rollout().disruptionBudget()
                    .map(b -> String.join("\u0000", b.groupBy().stream().map(l -> m.labels().getOrDefault(l, "")).toList()))
                    .orElse("");
        }
    }

}
