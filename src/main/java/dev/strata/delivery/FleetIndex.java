package dev.strata.delivery;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link DesiredView} indexed for requests: machine id to its group, its disruption-budget bucket and
 * the group's slot counts, computed once per view so a request does a hash lookup, not a walk over
 * 100,000 machines. Slots follow the planner's rules: {@code maxUnavailable} resolved against the group
 * size, and the disruption budget resolved against each bucket's size ({@link dev.strata.spec.Quantity#of}).
 */
final class FleetIndex {
    /** A group with its limits. {@code bucketBudgets} is empty when the group has no disruption budget. */
    record Group(MachineGroup spec, int slots, Map<String, Integer> bucketBudgets, Optional<String> repository,
                 Connectivity connectivity) {
        String name() {
            return spec.name();
        }

        Rollout rollout() {
            return spec.rollout();
        }

        /** The most holders a bucket may have; unlimited without a disruption budget. */
        int budget(String bucket) {
            return bucketBudgets.getOrDefault(bucket, Integer.MAX_VALUE);
        }
    }

    record Member(Machine machine, Group group, String bucket) {
        String id() {
            return machine.id();
        }
    }

    private final DesiredView view;
    private final Map<String, Member> byId;
    private final Map<String, Group> groups;

    private FleetIndex(DesiredView view, Map<String, Member> byId, Map<String, Group> groups) {
        this.view = view;
        this.byId = byId;
        this.groups = groups;
    }

    static FleetIndex of(DesiredView view) {
        Map<String, Member> byId = new HashMap<>();
        Map<String, Group> groups = new HashMap<>();
        for (MachineGroup g : view.fleet().groups()) {
            Map<String, Integer> sizes = new HashMap<>();
            for (Machine m : g.machines()) sizes.merge(bucket(g, m), 1, Integer::sum);
            Map<String, Integer> budgets = new HashMap<>();
            g.rollout().disruptionBudget().ifPresent(b -> sizes.forEach((k, n) -> budgets.put(k, b.maxUnavailable().of(n))));
            Group group = new Group(g, g.rollout().maxUnavailable().of(g.machines().size()), Collections.unmodifiableMap(budgets),
                    view.repository(g.image()), Connectivity.of(g));
            groups.putIfAbsent(g.name(), group);
            for (Machine m : g.machines()) byId.putIfAbsent(m.id(), new Member(m, group, bucket(g, m)));
        }
        return new FleetIndex(view, byId, groups);
    }

    /** The bucket of the disruption budget: the machine's values of the {@code groupBy} labels, as the planner keys them. */
    static String bucket(MachineGroup g, Machine m) {
        return g.rollout().disruptionBudget()
                .map(b -> String.join("\u0000", b.groupBy().stream().map(l -> m.labels().getOrDefault(l, "")).toList()))
                .orElse("");
    }

    /** The bucket shown to people: {@code rack=r1}, or the whole group. */
    static String describeBucket(Group g, String bucket) {
        Optional<Rollout.DisruptionBudget> b = g.rollout().disruptionBudget();
        if (b.isEmpty()) return "group " + g.name();
        List<String> labels = b.get().groupBy();
        String[] values = bucket.split("\u0000", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) out.append(',');
            out.append(labels.get(i)).append('=').append(i < values.length ? values[i] : "");
        }
        return out.toString();
    }

    DesiredView view() {
        return view;
    }

    Optional<Member> member(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    Map<String, Group> groups() {
        return Collections.unmodifiableMap(groups);
    }
}
