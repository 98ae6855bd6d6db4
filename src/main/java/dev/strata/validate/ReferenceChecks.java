package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Images name existing streams and images, groups name existing images, and images form no cycle. */
final class ReferenceChecks implements SemanticCheck {

    @Override
    public void run(CheckContext ctx) {
        var l = ctx.loaded();
        for (Image image : l.images()) {
            if (image.from() instanceof ImageSource.FromStream s && !l.declares(Kind.STREAM, s.stream())) {
                ctx.report(Check.REF_UNKNOWN_STREAM, image.origin(), CheckContext.spec("from", "stream"),
                        "image '" + image.name() + "' is built from stream '" + s.stream() + "', which is not defined"
                                + known(l.declared().get(Kind.STREAM)));
            }
            if (image.from() instanceof ImageSource.FromImage i && !l.declares(Kind.IMAGE, i.image())) {
                ctx.report(Check.REF_UNKNOWN_IMAGE, image.origin(), CheckContext.spec("from", "image"),
                        "image '" + image.name() + "' is built from image '" + i.image() + "', which is not defined"
                                + known(l.declared().get(Kind.IMAGE)));
            }
        }
        for (MachineGroup g : l.groups()) {
            if (!l.declares(Kind.IMAGE, g.image())) {
                ctx.report(Check.REF_UNKNOWN_IMAGE, g.origin(), CheckContext.spec("image"),
                        "group '" + g.name() + "' runs image '" + g.image() + "', which is not defined"
                                + known(l.declared().get(Kind.IMAGE)));
            }
        }
        cycles(ctx, l.images());
    }

    private static String known(Set<String> names) {
        if (names == null || names.isEmpty()) return "";
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        return " (defined: " + String.join(", ", sorted.subList(0, Math.min(8, sorted.size())))
                + (sorted.size() > 8 ? ", ..." : "") + ")";
    }

    /** Follows each image's from-image chain; each cycle is reported once, at its first member by name. */
    private static void cycles(CheckContext ctx, List<Image> images) {
        Map<String, Image> byName = FleetSpec.byName(images, Image::name);
        Set<String> reported = new HashSet<>();
        for (Image start : images) {
            List<String> chain = new ArrayList<>();
            Image cur = start;
            while (cur != null && cur.from() instanceof ImageSource.FromImage f) {
                if (chain.contains(cur.name())) break;
                chain.add(cur.name());
                cur = byName.get(f.image());
            }
            if (cur == null || !chain.contains(cur.name())) continue;
            List<String> cycle = chain.subList(chain.indexOf(cur.name()), chain.size());
            String first = cycle.stream().sorted().findFirst().orElseThrow();
            if (!start.name().equals(first) || !reported.add(first)) continue;
            List<String> shown = new ArrayList<>(cycle);
            shown.add(cycle.get(0));
            ctx.report(Check.IMAGE_CYCLE, start.origin(), CheckContext.spec("from", "image"),
                    "images are built from each other: " + String.join(" -> ", shown));
        }
    }
}
