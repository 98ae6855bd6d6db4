package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.PropertyPath;
import dev.strata.spec.Origin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Names are unique per kind. */
final class NameChecks implements SemanticCheck {
    private static final PropertyPath NAME = PropertyPath.of("metadata", "name");

    @Override
    public void run(CheckContext ctx) {
        var l = ctx.loaded();
        unique(ctx, "Stream", l.streams(), s -> s.name(), s -> s.origin());
        unique(ctx, "Image", l.images(), i -> i.name(), i -> i.origin());
        unique(ctx, "MachineGroup", l.groups(), g -> g.name(), g -> g.origin());
    }

    private static <T> void unique(CheckContext ctx, String kind, List<T> items, Function<T, String> name,
                                   Function<T, Origin> origin) {
        Map<String, Origin> first = new HashMap<>();
        for (T item : items) {
            Origin prior = first.putIfAbsent(name.apply(item), origin.apply(item));
            if (prior != null) {
                ctx.report(Check.NAME_DUPLICATE, origin.apply(item), NAME, kind + " '" + name.apply(item)
                        + "' is already defined at " + ctx.at(prior, NAME));
            }
        }
    }
}
