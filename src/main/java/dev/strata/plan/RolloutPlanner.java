package dev.strata.plan;

import dev.strata.spec.Durations;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import dev.strata.spec.Wave;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
        return new GroupDecision(g, o, state, build.get().imageDigest(), now).decide();
    }

    /** The machines of a group classified against one target digest. */
    private static final class GroupDecision {
        private final MachineGroup g;
        private final Observed o;
        private final GroupState state;
        private final String target;
        private final Instant now;
        private final Rollout r;

        GroupDecision(MachineGroup g, Observed o, GroupState state, String target, Instant now) {
            this.g = g;
            this.o = o;
            this.state = state;
            this.target = target;
            this.now = now;
            this.r = g.rollout();
        }

        MachineState ms(Machine m) {
            return o.machine(m.id()).orElse(MachineState.unknown(m.id()));
        }

        boolean updated(Machine m) {
            return ms(m).runs(target);
        }

        boolean released(Machine m, String digest) {
            return ms(m).releasedDigest().filter(digest::equals).isPresent();
        }

        boolean failed(Machine m) {
            MachineState s = ms(m);
            if (updated(m) || !released(m, target)) return false;
            return s.failure().isPresent() || timedOut(s);
        }

        boolean timedOut(MachineState s) {
            return s.releasedAt().map(t -> t.plus(r.updateTimeout()).isBefore(now)).orElse(false);
        }

        /** Released for some digest, not yet running it, and not reporting a failure: down or about to be. */
        boolean inFlight(Machine m) {
            MachineState s = ms(m);
            return s.releasedDigest().isPresent() && !s.runs(s.releasedDigest().get()) && s.failure().isEmpty();
        }

        Optional<String> previousDigest() {
            if (state.target().isPresent() && !state.target().get().equals(target)) return state.target();
            if (state.previous().isPresent()) return state.previous();
            // First rollout: the digest most machines run now.
            Map<String, Integer> counts = new HashMap<>();
            for (Machine m : g.machines()) ms(m).booted().filter(b -> !b.equals(target)).ifPresent(b -> counts.merge(b, 1, Integer::sum));
            return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey);
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
                boolean opened = ms.stream().anyMatch(m -> updated(m) || released(m, target));
                if (!opened && i > 0) {
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
                ms.stream().filter(m -> !updated(m) && !released(m, target) && !failed(m)).forEach(releasable::add);
                Optional<Instant> done = thresholdMetAt(w, ms);
                if (done.isEmpty()) return release(w, releasable, ms);
                previousDone = done;
            }
            if (!releasable.isEmpty()) return release(waves.get(waves.size() - 1), releasable, List.of());
            long waiting = g.machines().stream().filter(m -> released(m, target) && !updated(m)).count();
            if (waiting > 0) {
                return List.of(new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.MACHINES, Optional.empty(),
                        "waiting for " + waiting + " machine(s) to boot " + short12(target)));
            }
            return List.of(new Action.NoOp(g.name(), "all " + g.machines().size() + " machines run " + short12(target)));
        }

        /** When enough of the wave ran the target: the time the k-th machine was first seen on it. */
        private Optional<Instant> thresholdMetAt(Wave w, List<Machine> ms) {
            int need = (int) Math.ceil(ms.size() * w.successThreshold() / 100.0);
            if (need == 0) return Optional.of(Instant.MIN);
            List<Instant> times = ms.stream().filter(this::updated).map(m -> ms(m).bootedSince().orElse(now))
                    .sorted().toList();
            return times.size() >= need ? Optional.of(times.get(need - 1)) : Optional.empty();
        }

        private List<Action> release(Wave w, List<Machine> candidates, List<Machine> waveMembers) {
            if (candidates.isEmpty()) {
                long waiting = waveMembers.stream().filter(m -> released(m, target) && !updated(m)).count();
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.MACHINES, Optional.empty(),
                        "wave " + w.name() + ": waiting for " + waiting + " machine(s) to boot " + short12(target)));
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
            List<Machine> batch = limits.choose(candidates);
            if (batch.isEmpty()) {
                return List.of(new Action.Wait(g.name(), Optional.of(w.name()), Action.WaitCause.DISRUPTION_BUDGET, Optional.empty(),
                        "disruption budget reached in every " + String.join("/", r.disruptionBudget().orElseThrow().groupBy())
                                + " with machines left to update"));
            }
            int left = candidates.size() - batch.size();
            String reason = "wave " + w.name() + ": release " + batch.size() + " machine(s) to " + short12(target)
                    + (left > 0 ? "; " + left + " more wait for a free slot" : "");
            return List.of(new Action.Promote(g.name(), w.name(), previousDigest(), target,
                    batch.stream().map(Machine::name).toList(), reason));
        }

        private List<Action> failurePolicy(List<Machine> failedMachines) {
            String names = String.join(", ", failedMachines.stream().map(Machine::name).limit(5).toList());
            String why = failedMachines.size() + " machine(s) failed to update to " + short12(target) + " (" + names + ")";
            Optional<String> back = previousDigest();
            if (r.failurePolicy().action() == Rollout.FailurePolicy.Action.ROLLBACK && back.isPresent()) {
                return rollBackTo(back.get(), why + "; rolling back to " + short12(back.get()));
            }
            return List.of(hold(Action.HoldCause.FAILURE_POLICY, why + "; halted"
                    + (r.failurePolicy().action() == Rollout.FailurePolicy.Action.ROLLBACK ? " (no previous digest to roll back to)" : "")));
        }

        /** The target was rolled back: finish moving machines back, then hold until a new commit. */
        private List<Action> rejected() {
            Optional<String> back = state.target().filter(t -> !t.equals(target));
            if (back.isPresent()) {
                List<Action> a = rollBackTo(back.get(), "rolling back from " + short12(target) + " to " + short12(back.get()));
                if (!a.isEmpty()) return a;
            }
            return List.of(hold(Action.HoldCause.REJECTED_DIGEST, short12(target)
                    + " was rolled back after failures and is never offered again; commit a fix to roll forward"));
        }

        /** Rollbacks ignore waves and windows but still respect maxUnavailable and the disruption budget. */
        private List<Action> rollBackTo(String back, String reason) {
            List<Machine> toMove = g.machines().stream()
                    .filter(m -> !ms(m).runs(back) && !released(m, back))
                    .filter(m -> ms(m).runs(target) || released(m, target))
                    .toList();
            if (toMove.isEmpty()) return List.of();
            Limits limits = new Limits(g, this::inFlightExceptFailed);
            List<Machine> batch = limits.choose(toMove);
            if (batch.isEmpty()) {
                return List.of(new Action.Wait(g.name(), Optional.empty(), Action.WaitCause.MAX_UNAVAILABLE, Optional.empty(),
                        reason + "; waiting for a free slot (" + limits.inFlight() + " machine(s) updating)"));
            }
            return List.of(new Action.Rollback(g.name(), target, back, batch.stream().map(Machine::name).toList(), reason));
        }

        /** A machine stuck on a failed update is not making room by waiting; it is moved back first. */
        private boolean inFlightExceptFailed(Machine m) {
            return inFlight(m) && !failed(m);
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

        /** Candidates in order, as many as the limits allow. */
        List<Machine> choose(List<Machine> candidates) {
            List<Machine> out = new ArrayList<>();
            int free = free();
            Map<String, Integer> taken = new HashMap<>(used);
            for (Machine m : candidates) {
                if (free <= 0) break;
                if (inFlight.test(m)) continue;
                String k = key(m);
                if (taken.getOrDefault(k, 0) >= budget(k)) continue;
                taken.merge(k, 1, Integer::sum);
                out.add(m);
                free--;
            }
            return out;
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
