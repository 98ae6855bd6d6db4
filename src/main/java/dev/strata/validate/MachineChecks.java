package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.PropertyPath;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A machine id (or name) appears once in the whole fleet. Ids and names are two instances, which the
 * validator runs side by side: each is a map of every machine of a large fleet.
 */
final class MachineChecks implements SemanticCheck {
    private final boolean ids;

    private MachineChecks(boolean ids) {
        this.ids = ids;
    }

    static MachineChecks ids() {
        return new MachineChecks(true);
    }

    static MachineChecks names() {
        return new MachineChecks(false);
    }

    private record Seen(MachineGroup group, int index) {
    }

    @Override
    public void run(CheckContext ctx) {
        int machines = ctx.loaded().groups().stream().mapToInt(g -> g.machines().size()).sum();
        // Sized up front: growing to 100,000 entries one doubling at a time was most of this check.
        Map<String, Seen> seen = new HashMap<>(machines * 4 / 3 + 1);
        for (MachineGroup g : ctx.loaded().groups()) {
            for (int i = 0; i < g.machines().size(); i++) {
                Machine m = g.machines().get(i);
                Seen prior = seen.putIfAbsent(ids ? m.id().toLowerCase(Locale.ROOT) : m.name(), new Seen(g, i));
                if (prior == null) continue;
                if (ids) {
                    ctx.report(Check.MACHINE_DUPLICATE_ID, g.origin(), CheckContext.spec("machines", i, "id"),
                            "machine id " + m.id() + " is already used by " + describe(ctx, prior, "id"));
                } else {
                    ctx.report(Check.MACHINE_DUPLICATE_NAME, g.origin(), CheckContext.spec("machines", i, "name"),
                            "machine name '" + m.name() + "' is already used by " + describe(ctx, prior, "name"));
                }
            }
        }
    }

    private static String describe(CheckContext ctx, Seen s, String field) {
        Machine m = s.group().machines().get(s.index());
        Origin o = s.group().origin();
        PropertyPath at = CheckContext.spec("machines", s.index(), field);
        return "machine '" + m.name() + "' of group '" + s.group().name() + "' at " + ctx.at(o, at);
    }
}
