package dev.strata.reconcile;

import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.plan.PlatformDigests;
import dev.strata.plan.Observed;
import dev.strata.plan.Plan;
import dev.strata.plan.Waves;
import dev.strata.plan.Windows;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Wave;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.GraphPoll;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every image and rollout stands, per group and per wave, with the group's next step as the
 * planner decided it now (a wait or hold says why not, and until when when that is known). Machines
 * are counted against the group's recorded target the way the planner judges them: updated (booted
 * it), failed (released for it and reported a failure or passed the update timeout), updating
 * (released for a digest they do not run yet), pending (the rest). One pass over the machines.
 */
public record FleetStatus(String revision, Instant at, List<ImageStatus> images, List<GroupStatus> groups) {
    public FleetStatus {
        images = List.copyOf(images);
        groups = List.copyOf(groups);
    }

    /** An image's inputs digest at this revision (empty while its base is unresolved) and its build, if any. */
    public record ImageStatus(String image, Optional<String> inputsDigest, Optional<Build> build) {
    }

    public record Counts(int machines, int updated, int updating, int pending, int failed) {
    }

    public enum Phase { PENDING, ROLLING, DONE }

    /** A wave: done once enough of it runs the target (its success threshold), rolling once one was released for it. */
    public record WaveStatus(String wave, Phase phase, Counts counts) {
    }

    /** A FleetLock slot held in the group, with the machine's name when the group lists it. */
    public record Lock(String machineId, Optional<String> machine, FleetLockHolder holder) {
    }

    /** A machine whose last graph poll named a payload Strata never published for its group (docs/zincati.md). */
    public record UnknownPayload(String machine, String payload, String osVersion, Instant at) {
    }

    /** {@code next} is the planner's decision for the group now; empty only when it had none. */
    public record GroupStatus(String group, String image, String delivery, GroupState.Status status, Optional<String> target,
                              Optional<String> previous, Counts counts, List<WaveStatus> waves, List<Lock> locks,
                              Optional<Action> next, List<UnknownPayload> unknownPayloads) {
        public GroupStatus {
            waves = List.copyOf(waves);
            locks = List.copyOf(locks);
            unknownPayloads = List.copyOf(unknownPayloads);
        }
    }

    /** The status of a plan made now; {@code holders} are the FleetLock slots held (empty without delivery state). */
    public static FleetStatus of(Planning.Result planned, List<FleetLockHolder> holders) {
        return of(planned, holders, List.of());
    }

    /** The same, with each machine's last poll of the update graph (zincati groups). */
    public static FleetStatus of(Planning.Result planned, List<FleetLockHolder> holders, List<GraphPoll> polls) {
        FleetSpec fleet = planned.desired().fleet();
        Observed o = planned.observed();
        Plan plan = planned.plan();
        Instant now = plan.createdAt();
        List<ImageStatus> images = new ArrayList<>();
        for (var image : fleet.images()) {
            Optional<InputsDigest> in = Optional.ofNullable(planned.desired().inputs().get(image.name()));
            images.add(new ImageStatus(image.name(), in.map(InputsDigest::digest), in.flatMap(i -> o.build(i.digest()))));
        }
        // The planner makes one decision per image first, then at most one per group.
        Map<String, Action> next = new HashMap<>();
        List<Action> actions = plan.actions();
        for (Action a : actions.subList(Math.min(fleet.images().size(), actions.size()), actions.size())) next.putIfAbsent(a.subject(), a);
        Map<String, List<FleetLockHolder>> locks = new HashMap<>();
        for (FleetLockHolder h : holders) locks.computeIfAbsent(h.group(), g -> new ArrayList<>()).add(h);
        List<GroupStatus> groups = new ArrayList<>();
        for (MachineGroup g : fleet.groups()) {
            groups.add(group(g, o, now, Optional.ofNullable(next.get(g.name())), locks.getOrDefault(g.name(), List.of()),
                    unknownPayloads(g, polls)));
        }
        return new FleetStatus(plan.revision(), now, images, groups);
    }

    /** The group's machines whose last poll, made while in this group, named a payload that is none of its releases. */
    private static List<UnknownPayload> unknownPayloads(MachineGroup g, List<GraphPoll> polls) {
        if (polls.isEmpty()) return List.of();
        Map<String, String> names = new HashMap<>();
        g.machines().forEach(m -> names.put(m.id(), m.name()));
        return polls.stream().filter(p -> p.kind() == GraphPoll.Kind.UNKNOWN_PAYLOAD && p.group().equals(g.name())
                        && names.containsKey(p.machineId()))
                .map(p -> new UnknownPayload(names.get(p.machineId()), p.payload(), p.osVersion(), p.at())).toList();
    }

    private static GroupStatus group(MachineGroup g, Observed o, Instant now, Optional<Action> next, List<FleetLockHolder> held,
                                     List<UnknownPayload> unknown) {
        GroupState gs = o.group(g.name()).orElse(GroupState.fresh(g.name()));
        Judge judge = new Judge(g, o, gs.target(), now);
        List<WaveStatus> waves = new ArrayList<>();
        List<List<Machine>> members = Waves.members(g);
        for (int i = 0; i < members.size(); i++) {
            Wave w = g.rollout().waves().get(i);
            Counts c = judge.count(members.get(i));
            int need = (int) Math.ceil(c.machines() * w.successThreshold() / 100.0);
            Phase phase = gs.target().isPresent() && c.updated() >= need && c.updated() > 0 || c.machines() == 0 ? Phase.DONE
                    : members.get(i).stream().anyMatch(judge::releasedForTarget) || c.updated() > 0 ? Phase.ROLLING : Phase.PENDING;
            waves.add(new WaveStatus(w.name(), phase, c));
        }
        Counts all = judge.count(g.machines());
        // Apply records a rollout as rolling; it is done once every machine runs its target.
        GroupState.Status status = gs.status() == GroupState.Status.ROLLING && all.updated() == all.machines()
                ? GroupState.Status.DONE : gs.status();
        Map<String, String> names = new HashMap<>();
        if (!held.isEmpty()) g.machines().forEach(m -> names.put(m.id(), m.name()));
        List<Lock> locks = held.stream().map(h -> new Lock(h.machineId(), Optional.ofNullable(names.get(h.machineId())), h)).toList();
        return new GroupStatus(g.name(), g.image(), g.delivery().value(), status, gs.target(), gs.previous(), all, waves, locks, next, unknown);
    }

    /** Classifies machines against the group's target as the planner does. */
    private record Judge(MachineGroup g, Observed o, Optional<String> target, Instant now, PlatformDigests platforms) {
        Judge(MachineGroup g, Observed o, Optional<String> target, Instant now) {
            this(g, o, target, now, PlatformDigests.of(o.builds().values()));
        }

        MachineState state(Machine m) {
            return o.machine(m.id()).orElse(MachineState.unknown(m.id()));
        }

        boolean releasedForTarget(Machine m) {
            return target.isPresent() && state(m).releasedDigest().filter(r -> platforms.same(r, target.get(), m.platform())).isPresent();
        }

        /** Boots image {@code digest}, as the machine's platform has it (docs/build.md, multi-arch images). */
        boolean runs(Machine m, MachineState s, String digest) {
            return s.booted().filter(b -> platforms.same(b, digest, m.platform())).isPresent();
        }

        Counts count(List<Machine> machines) {
            int updated = 0, updating = 0, failed = 0;
            for (Machine m : machines) {
                MachineState s = state(m);
                boolean onTarget = target.isPresent() && runs(m, s, target.get());
                if (onTarget) {
                    updated++;
                } else if (s.failure().isPresent() || releasedForTarget(m) && timedOut(s)) {
                    failed++;
                } else if (s.releasedDigest().isPresent() && !runs(m, s, s.releasedDigest().get())) {
                    updating++;
                }
            }
            return new Counts(machines.size(), updated, updating, machines.size() - updated - updating - failed, failed);
        }

        private boolean timedOut(MachineState s) {
            return s.releasedAt().map(t -> Windows.timedOut(g.rollout(), t, now)).orElse(false);
        }
    }
}
