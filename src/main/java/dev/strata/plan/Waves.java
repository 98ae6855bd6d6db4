package dev.strata.plan;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Wave;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which machines belong to which wave. Waves are disjoint: a machine belongs to the first wave that
 * names it. A percent wave takes machines in the group's order until that share of the whole group
 * is covered (cumulative), rounding down but never to zero.
 */
public final class Waves {
    private Waves() {
    }

    public static List<List<Machine>> members(MachineGroup g) {
        List<List<Machine>> out = new ArrayList<>();
        // By identity: the group's own machine objects, distinct in a valid fleet; hashing a record hashes its labels.
        Set<Machine> covered = Collections.newSetFromMap(new IdentityHashMap<>());
        int n = g.machines().size();
        java.util.Map<String, Machine> byRef = new java.util.HashMap<>();
        for (Machine m : g.machines()) {
            byRef.put(m.id(), m);
            byRef.putIfAbsent(m.name(), m);
        }
        for (Wave w : g.rollout().waves()) {
            List<Machine> members = new ArrayList<>();
            if (!w.machines().isEmpty()) {
                for (String ref : w.machines()) {
                    Machine m = byRef.containsKey(ref) ? byRef.get(ref) : byRef.get(ref.toLowerCase(Locale.ROOT));
                    if (m != null && covered.add(m)) members.add(m);
                }
            } else if (!w.selector().isEmpty()) {
                for (Machine m : g.machines()) if (m.matches(w.selector()) && covered.add(m)) members.add(m);
            } else if (w.percent().isPresent()) {
                int share = n == 0 ? 0 : Math.max(1, (int) ((long) n * w.percent().getAsInt() / 100));
                for (Machine m : g.machines()) {
                    if (covered.size() >= share) break;
                    if (covered.add(m)) members.add(m);
                }
            }
            out.add(members);
        }
        return out;
    }
}
