package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;

import java.util.List;
import java.util.Map;

/**
 * A machine runs its platform's image: a multi-arch image must list the machine's platform, and a
 * single-platform image is linux/amd64 (the platform a build picks from a multi-arch base), so only
 * linux/amd64 machines can run it. Otherwise the machine would be given an image it cannot boot.
 */
final class PlatformChecks implements SemanticCheck {

    @Override
    public void run(CheckContext ctx) {
        Map<String, Image> images = FleetSpec.byName(ctx.loaded().images(), Image::name);
        for (MachineGroup g : ctx.loaded().groups()) {
            Image image = images.get(g.image());
            if (image == null) continue; // ref.unknown-image says so
            List<String> built = image.multiArch() ? image.platforms() : List.of(Machine.DEFAULT_PLATFORM);
            for (int i = 0; i < g.machines().size(); i++) {
                Machine m = g.machines().get(i);
                if (built.contains(m.platform())) continue;
                ctx.report(Check.MACHINE_PLATFORM, g.origin(), CheckContext.spec("machines", i, "platform"),
                        "machine '" + m.name() + "' is " + m.platform() + ", but image '" + image.name() + "' is built for "
                                + String.join(", ", built) + " only");
            }
        }
    }
}
