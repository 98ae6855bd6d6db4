package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.Agent;
import dev.strata.spec.Durations;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.MachineGroup;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host agent's settings: a connectivity timeout the rollout can wait for, and one agent per image.
 * The agent is a layer of the image (docs/agent.md), so every group running an image, and every image
 * built on it, gets the same one; groups that ask for different ones cannot share it.
 */
final class AgentChecks implements SemanticCheck {
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(30);

    /** What a group asks its image to carry. */
    enum Wanted {
        BOOTC("the bootc agent"), ZINCATI("the connectivity check for zincati"), NONE("no agent");

        final String words;

        Wanted(String words) {
            this.words = words;
        }

        static Wanted of(MachineGroup g) {
            if (!g.agent().enabled()) return NONE;
            return g.delivery() == MachineGroup.Delivery.BOOTC ? BOOTC : ZINCATI;
        }
    }

    @Override
    public void run(CheckContext ctx) {
        List<MachineGroup> groups = ctx.loaded().groups();
        for (MachineGroup g : groups) if (g.agent().enabled()) timeout(ctx, g);
        Map<String, MachineGroup> first = new LinkedHashMap<>();
        for (MachineGroup g : groups) {
            MachineGroup other = first.putIfAbsent(g.image(), g);
            if (other != null && Wanted.of(other) != Wanted.of(g)) {
                ctx.report(Check.AGENT_IMAGE_SHARED, g.origin(), CheckContext.spec("image"), "group '" + g.name() + "' wants "
                        + Wanted.of(g).words + " in image '" + g.image() + "', but group '" + other.name() + "' runs the same image with "
                        + Wanted.of(other).words);
            }
        }
        Map<String, Image> images = FleetSpec.byName(ctx.loaded().images(), Image::name);
        for (MachineGroup g : groups) {
            if (first.get(g.image()) != g) continue; // one report per image
            Set<String> seen = new HashSet<>();
            Image img = images.get(g.image());
            seen.add(g.image());
            while (img != null && img.from() instanceof ImageSource.FromImage f && seen.add(f.image())) {
                MachineGroup below = first.get(f.image());
                if (below != null && Wanted.of(below) != Wanted.NONE && Wanted.of(below) != Wanted.of(g)) {
                    ctx.report(Check.AGENT_IMAGE_SHARED, g.origin(), CheckContext.spec("image"), "group '" + g.name() + "' wants "
                            + Wanted.of(g).words + " in image '" + g.image() + "', but it is built on image '" + f.image()
                            + "', which carries " + Wanted.of(below).words + " for group '" + below.name() + "'");
                    break;
                }
                img = images.get(f.image());
            }
        }
    }

    private static void timeout(CheckContext ctx, MachineGroup g) {
        Duration t = g.agent().connectivityTimeout();
        Duration update = g.rollout().updateTimeout();
        if (t.compareTo(MIN_TIMEOUT) < 0) {
            ctx.report(Check.AGENT_TIMEOUT, g.origin(), CheckContext.spec("agent", "connectivityTimeout"),
                    "connectivityTimeout " + Durations.format(t) + " is shorter than 30s: a host would roll back before its network is up");
        } else if (t.compareTo(update) >= 0) {
            boolean defaulted = t.equals(Agent.DEFAULT_CONNECTIVITY_TIMEOUT);
            ctx.report(Check.AGENT_TIMEOUT, g.origin(), defaulted ? CheckContext.spec("rollout", "updateTimeout")
                            : CheckContext.spec("agent", "connectivityTimeout"),
                    "the agent's connectivityTimeout " + Durations.format(t) + (defaulted ? " (the default)" : "")
                            + " is not shorter than rollout.updateTimeout " + Durations.format(update)
                            + ": the group would count a host failed before it can roll itself back");
        }
    }
}
