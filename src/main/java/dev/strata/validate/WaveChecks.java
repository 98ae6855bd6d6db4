package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import dev.strata.spec.Wave;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Waves have one kind of membership, name real machines, increase, and reach every machine. */
final class WaveChecks implements SemanticCheck {

    @Override
    public void run(CheckContext ctx) {
        for (MachineGroup g : ctx.loaded().groups()) check(ctx, g);
    }

    private static void check(CheckContext ctx, MachineGroup g) {
        Rollout r = g.rollout();
        List<Wave> waves = r.waves();
        Set<String> names = new HashSet<>();
        Wave last = waves.get(waves.size() - 1);
        // Which machines the waves reach matters only when the last wave does not end at 100%.
        boolean track = !(last.percent().isPresent() && last.percent().getAsInt() == 100);
        Set<String> reached = new HashSet<>();
        int lastPercent = 0;
        MachineRefs byRef = new MachineRefs(g.machines(), waves.stream().mapToInt(w -> w.machines().size()).sum());
        for (int i = 0; i < waves.size(); i++) {
            Wave w = waves.get(i);
            int targets = (w.machines().isEmpty() ? 0 : 1) + (w.selector().isEmpty() ? 0 : 1) + (w.percent().isPresent() ? 1 : 0);
            if (targets != 1) {
                ctx.report(Check.WAVE_TARGET, g.origin(), CheckContext.spec("rollout", "waves", i),
                        "wave '" + w.name() + "' has " + (targets == 0 ? "no members" : targets + " kinds of members"));
            }
            if (!names.add(w.name())) {
                ctx.report(Check.WAVE_DUPLICATE, g.origin(), CheckContext.spec("rollout", "waves", i, "name"),
                        "wave name '" + w.name() + "' is used twice in group '" + g.name() + "'");
            }
            for (int j = 0; j < w.machines().size(); j++) {
                String ref = w.machines().get(j);
                Machine hit = byRef.find(ref);
                if (hit == null) hit = byRef.find(ref.toLowerCase(Locale.ROOT));
                if (hit == null) {
                    ctx.report(Check.WAVE_UNKNOWN_MACHINE, g.origin(), CheckContext.spec("rollout", "waves", i, "machines", j),
                            "wave '" + w.name() + "' names '" + ref + "', which is not a machine of group '" + g.name() + "'");
                } else if (track) {
                    reached.add(hit.id());
                }
            }
            if (!w.selector().isEmpty()) {
                List<Machine> hit = g.machines().stream().filter(m -> m.matches(w.selector())).toList();
                if (hit.isEmpty()) {
                    ctx.report(Check.WAVE_SELECTOR_EMPTY, g.origin(), CheckContext.spec("rollout", "waves", i, "selector"),
                            "selector " + w.selector() + " of wave '" + w.name() + "' matches none of the "
                                    + g.machines().size() + " machines of group '" + g.name() + "'");
                }
                if (track) hit.forEach(m -> reached.add(m.id()));
            }
            if (w.percent().isPresent()) {
                int p = w.percent().getAsInt();
                if (p <= lastPercent) {
                    ctx.report(Check.WAVE_PERCENT_ORDER, g.origin(), CheckContext.spec("rollout", "waves", i, "percent"),
                            "wave '" + w.name() + "' is at " + p + "%, not above the " + lastPercent + "% of an earlier wave");
                }
                lastPercent = Math.max(lastPercent, p);
                if (p == 100 && track) g.machines().forEach(m -> reached.add(m.id()));
            }
        }
        Set<String> missed = new LinkedHashSet<>();
        if (track) for (Machine m : g.machines()) if (!reached.contains(m.id())) missed.add(m.name());
        if (!missed.isEmpty()) {
            ctx.report(Check.WAVE_PERCENT_END, g.origin(), CheckContext.spec("rollout", "waves", waves.size() - 1),
                    "the last wave '" + last.name() + "' does not end at 100%, and " + missed.size()
                            + " machine(s) are in no wave: " + String.join(", ", List.copyOf(missed).subList(0, Math.min(5, missed.size())))
                            + (missed.size() > 5 ? ", ..." : ""));
        }
        r.holdAfter().ifPresent(h -> {
            if (!names.contains(h)) {
                ctx.report(Check.ROLLOUT_UNKNOWN_WAVE, g.origin(), CheckContext.spec("rollout", "holdAfter"),
                        "holdAfter names wave '" + h + "', which group '" + g.name() + "' does not have");
            }
        });
    }

    /**
     * The group's machines by lowercased id and by name; where two share a key, the later one. Waves
     * usually name a machine or two (a canary), so for a few names the list is searched rather than a
     * map of every machine built.
     */
    private static final class MachineRefs {
        private static final int SCAN_UP_TO = 8;
        private final List<Machine> machines;
        private final java.util.Map<String, Machine> map;

        MachineRefs(List<Machine> machines, int lookups) {
            this.machines = machines;
            if (lookups <= SCAN_UP_TO) {
                map = null;
                return;
            }
            map = new java.util.HashMap<>(machines.size() * 8 / 3 + 1);
            for (Machine m : machines) {
                map.put(m.id().toLowerCase(Locale.ROOT), m);
                map.put(m.name(), m);
            }
        }

        Machine find(String ref) {
            if (map != null) return map.get(ref);
            for (int i = machines.size() - 1; i >= 0; i--) {
                Machine m = machines.get(i);
                if (m.name().equals(ref) || m.id().toLowerCase(Locale.ROOT).equals(ref)) return m;
            }
            return null;
        }
    }
}
