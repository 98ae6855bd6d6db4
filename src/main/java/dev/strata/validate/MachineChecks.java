package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.PropertyPath;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A machine id or name appears once in the whole fleet. */
final class MachineChecks implements SemanticCheck {

    private record Seen(MachineGroup group, int index) {
    }

    @Override
    public void run(CheckContext ctx) {
        int machines = ctx.loaded().groups().stream().mapToInt(g -> g.machines().size()).sum();
        // Sized up front: growing to 100,000 entries one doubling at a time was most of this check.
        Map<String, Seen> ids = new HashMap<>(machines * 4 / 3 + 1);
        Map<String, Seen> names = new HashMap<>(machines * 4 / 3 + 1);
        for (MachineGroup g : ctx.loaded().groups()) {
            for (int i = 0; i < g.machines().size(); i++) {
                Machine m = g.machines().get(i);
                Seen here = new Seen(g, i);
                Seen prior = ids.putIfAbsent(m.id().toLowerCase(Locale.ROOT), here);
                if (prior != null) {
                    ctx.report(Check.MACHINE_DUPLICATE_ID, g.origin(), CheckContext.spec("machines", i, "id"),
                            "machine id " + m.id() + " is already used by " + describe(ctx, prior, "id"));
                }
                prior = names.putIfAbsent(m.name(), here);
                if (prior != null) {
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
