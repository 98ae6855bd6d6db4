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

/** What Zincati delivery cannot do: ids other than lowercase hex, and kernel arguments from kargs.d. */
final class ZincatiChecks implements SemanticCheck {

    @Override
    public void run(CheckContext ctx) {
        Map<String, Image> images = FleetSpec.byName(ctx.loaded().images(), Image::name);
        for (MachineGroup g : ctx.loaded().groups()) {
            if (g.delivery() != MachineGroup.Delivery.ZINCATI) continue;
            for (int i = 0; i < g.machines().size(); i++) {
                String id = g.machines().get(i).id();
                if (!isLowerHex32(id)) {
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

    /** What Zincati sends: {@code [0-9a-f]{32}}. */
    static boolean isLowerHex32(String id) {
        if (id.length() != 32) return false;
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
