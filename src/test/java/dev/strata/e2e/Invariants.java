package dev.strata.e2e;

import dev.strata.plan.MachineState;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.StateStore;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What must hold at every moment of a rollout, checked from the outside: in the state file, no more FleetLock
 * holders and no more machines released for a digest they do not boot yet than maxUnavailable allows in the
 * group and the disruption budget in each rack; among the hosts, no more down at once, and every one that is
 * down holds a slot (a host a person wrote off with release-lock aside).
 */
final class Invariants {
    private final MachineGroup group;
    private final Map<String, String> rackOf = new HashMap<>();
    private Sim.Limits limits;
    private int maxHolders;
    private int maxDownInARack;
    private long checks;

    Invariants(MachineGroup group, Sim.Limits limits) {
        this.group = group;
        this.limits = limits;
        for (Machine m : group.machines()) rackOf.put(m.id(), rack(m));
    }

    static String rack(Machine m) {
        return m.labels().getOrDefault("rack", "");
    }

    void limits(Sim.Limits l) {
        limits = l;
    }

    /** Empty when every invariant holds; otherwise what is broken. */
    Optional<String> check(StateStore store, Collection<SimHost> hosts, Set<String> writtenOff) {
        checks++;
        record Seen(List<FleetLockHolder> holders, Map<String, MachineState> machines) {
        }
        Seen seen = store.read(r -> new Seen(r.fleetLockHolders(group.name()), r.machines()));
        Set<String> holderIds = new HashSet<>();
        Map<String, Integer> holdersPerRack = new HashMap<>();
        for (FleetLockHolder h : seen.holders()) {
            holderIds.add(h.machineId());
            holdersPerRack.merge(rackOf.get(h.machineId()), 1, Integer::sum);
        }
        maxHolders = Math.max(maxHolders, seen.holders().size());
        if (seen.holders().size() > limits.maxUnavailable()) {
            return Optional.of(seen.holders().size() + " FleetLock holders, more than maxUnavailable " + limits.maxUnavailable()
                    + ": " + seen.holders());
        }
        Optional<String> rack = overBudget(holdersPerRack, "FleetLock holders");
        if (rack.isPresent()) return rack;

        Map<String, Integer> updatingPerRack = new HashMap<>();
        int updating = 0;
        for (Machine m : group.machines()) {
            MachineState s = seen.machines().get(m.id());
            if (s == null || s.releasedDigest().isEmpty() || s.runs(s.releasedDigest().get()) || s.failure().isPresent()) continue;
            updating++;
            updatingPerRack.merge(rackOf.get(m.id()), 1, Integer::sum);
        }
        if (updating > limits.maxUnavailable()) {
            return Optional.of(updating + " machines released for a digest they do not boot yet, more than maxUnavailable "
                    + limits.maxUnavailable());
        }
        rack = overBudget(updatingPerRack, "machines released for a digest they do not boot yet");
        if (rack.isPresent()) return rack;

        int down = 0;
        Map<String, Integer> downPerRack = new HashMap<>();
        for (SimHost h : hosts) {
            if (!h.down() || writtenOff.contains(h.name)) continue;
            if (!holderIds.contains(h.id())) return Optional.of(h + " is down but holds no FleetLock slot; holders: " + seen.holders());
            down++;
            downPerRack.merge(h.rack, 1, Integer::sum);
        }
        maxDownInARack = Math.max(maxDownInARack, downPerRack.values().stream().max(Integer::compare).orElse(0));
        if (down > limits.maxUnavailable()) return Optional.of(down + " hosts down at once, more than maxUnavailable " + limits.maxUnavailable());
        return overBudget(downPerRack, "hosts down at once");
    }

    private Optional<String> overBudget(Map<String, Integer> perRack, String what) {
        return perRack.entrySet().stream().filter(e -> e.getValue() > limits.perRack()).findFirst()
                .map(e -> e.getValue() + " " + what + " in rack " + e.getKey() + ", over its disruption budget " + limits.perRack());
    }

    int maxHolders() {
        return maxHolders;
    }

    int maxDownInARack() {
        return maxDownInARack;
    }

    long checks() {
        return checks;
    }
}
