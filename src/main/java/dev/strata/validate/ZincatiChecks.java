package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.MachineGroup;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What Zincati delivery cannot do: ids other than lowercase hex, and kernel arguments from kargs.d. */
final class ZincatiChecks implements SemanticCheck {
    private static final Pattern ZINCATI_ID = Pattern.compile("[0-9a-f]{32}");

    @Override
    public void run(CheckContext ctx) {
        Map<String, Image> images = FleetSpec.byName(ctx.loaded().images(), Image::name);
        for (MachineGroup g : ctx.loaded().groups()) {
            if (g.delivery() != MachineGroup.Delivery.ZINCATI) continue;
            for (int i = 0; i < g.machines().size(); i++) {
                String id = g.machines().get(i).id();
                if (!ZINCATI_ID.matcher(id).matches()) {
                    ctx.report(Check.ZINCATI_MACHINE_ID, g.origin(), CheckContext.spec("machines", i, "id"),
                            "machine id " + id + " is not 32 lowercase hex characters, so Zincati's id will never match it");
                }
            }
            // Walk the image chain: kargs from any ancestor image are lost the same way.
            Set<String> seen = new HashSet<>();
            Image img = images.get(g.image());
            while (img != null && seen.add(img.name())) {
                for (Layer layer : img.layers()) {
                    if (!layer.kernelArguments().isEmpty()) {
                        ctx.report(Check.ZINCATI_KERNEL_ARGUMENTS, g.origin(), CheckContext.spec("delivery"),
                                "group '" + g.name() + "' delivers with zincati, but image '" + img.name() + "' (layer '"
                                        + layer.name() + "') sets kernelArguments, which rpm-ostree does not apply");
                    }
                }
                img = img.from() instanceof ImageSource.FromImage f ? images.get(f.image()) : null;
            }
        }
    }
}
