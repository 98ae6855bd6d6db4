package dev.strata.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.strata.plan.PackageDelta;
import dev.strata.render.PackageSection;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.reconcile.FleetStatus;
import dev.strata.render.PlanJson;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/** What {@code strata status} prints: text for people, or one JSON document (docs/cli.md, formatVersion 1). */
final class StatusReport {
    enum Format { TEXT, JSON }

    static final int FORMAT_VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final PrintWriter out;

    StatusReport(PrintWriter out) {
        this(out, List.of());
    }

    /** With the package deltas of each image's last build (docs/packages.md). */
    StatusReport(PrintWriter out, List<PackageDelta> packages) {
        this.out = out;
        this.packages = packages.stream().collect(java.util.stream.Collectors.toMap(PackageDelta::image, p -> p));
    }

    private final Map<String, PackageDelta> packages;

    void text(FleetStatus s, String fleet, Optional<String> noState) {
        out.println("Fleet " + fleet + " at " + s.revision());
        noState.ifPresent(out::println);
        out.println();
        out.println("Images:");
        for (FleetStatus.ImageStatus i : s.images()) {
            out.printf("  %-24s %s%n", i.image(), i.build().map(b -> b.imageDigest() + " (commit " + shortId(b.commit()) + ")")
                    .orElse(i.inputsDigest().map(d -> "not built (inputs " + d + ")").orElse("base not resolved")));
            // A multi-arch image: the manifest each platform's machines boot.
            i.build().ifPresent(b -> b.platforms().forEach((p, d) -> out.printf("  %-24s   %-14s %s%n", "", p, d)));
            PackageDelta p = packages.get(i.image());
            if (p != null) {
                List<String> lines = PackageSection.text(p);
                out.println("    " + lines.get(0).substring(("Image " + i.image() + " ").length()));
                lines.subList(1, lines.size()).forEach(l -> out.println("    " + l));
            }
        }
        out.println();
        out.println("Groups:");
        for (FleetStatus.GroupStatus g : s.groups()) {
            out.printf("  %s (%s, %d machines): %s%n", g.group(), g.delivery(), g.counts().machines(), lower(g.status()));
            // Before the first rollout there is no target to count against: "0 updated, 10 pending" would
            // read as a rollout that is stuck, so say that none started and what the first one rolls out.
            boolean notStarted = !rolloutStarted(g);
            out.println("    target:   " + (notStarted ? "none yet, no rollout started: the first rolls out " + firstTarget(s, g.image())
                    : g.target().orElse("-") + "   previous: " + g.previous().orElse("-")));
            out.println("    machines: " + (notStarted ? g.counts().machines() + " waiting for the first rollout" : counts(g.counts())));
            int width = g.waves().stream().mapToInt(w -> w.wave().length()).max().orElse(0);
            for (FleetStatus.WaveStatus w : g.waves()) {
                FleetStatus.Counts c = w.counts();
                if (notStarted) {
                    out.printf("    wave %-" + width + "s  %-7s  %d machine(s), none released yet%n", w.wave(), lower(w.phase()), c.machines());
                    continue;
                }
                out.printf("    wave %-" + width + "s  %-7s  %d/%d updated, %d updating, %d pending, %d failed%n", w.wave(),
                        lower(w.phase()), c.updated(), c.machines(), c.updating(), c.pending(), c.failed());
            }
            for (FleetStatus.Lock l : g.locks()) {
                out.println("    lock:     " + l.machine().orElse(l.machineId()) + " since " + l.holder().grantedAt()
                        + l.holder().failedAt().map(t -> ", FAILED at " + t + ": " + l.holder().failure().orElse("")
                        + " (release it with 'strata rollout release-lock " + g.group() + " " + l.machine().orElse(l.machineId()) + "')").orElse(""));
            }
            for (FleetStatus.UnknownPayload u : g.unknownPayloads()) {
                out.println("    unknown:  " + u.machine() + " booted " + u.payload() + " (version " + u.osVersion() + ", polled "
                        + u.at() + "), which Strata never published for this group; the graph refuses it (unknown_payload)"
                        + " until a person moves it back");
            }
            g.next().ifPresent(a -> out.println("    next:     " + a.symbol() + " " + next(a)));
        }
        out.flush();
    }

    /**
     * Whether the group ever had a rollout: apply records a target with the first promotion. Machines
     * released or failed without one (state written by hand, or from an older fleet) still show counts.
     */
    static boolean rolloutStarted(FleetStatus.GroupStatus g) {
        return g.target().isPresent() || g.counts().updating() > 0 || g.counts().failed() > 0;
    }

    /** What a group's first rollout rolls out: its image's build at this revision, or that it is not built. */
    private static String firstTarget(FleetStatus s, String image) {
        Optional<Build> build = s.images().stream().filter(i -> i.image().equals(image)).findFirst().flatMap(FleetStatus.ImageStatus::build);
        return "image " + image + build.map(b -> " at " + b.imageDigest()).orElse(", once it is built");
    }

    /** The planner's decision for the group: what happens next, or why not now and until when. */
    static String next(Action a) {
        String until = a instanceof Action.Wait w && w.until().isPresent() && !a.reason().contains(w.until().get().toString())
                ? " (until " + w.until().get() + ")" : "";
        String wave = a instanceof Action.Wait w && w.wave().isPresent() && !a.reason().startsWith("wave ")
                ? "wave " + w.wave().get() + ": " : "";
        return (a instanceof Action.Promote || a instanceof Action.Rollback ? "on the next reconcile: " : "") + wave + a.reason() + until;
    }

    void json(FleetStatus s, String fleet, Optional<String> state) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("fleet", fleet);
        root.put("revision", s.revision());
        root.put("at", s.at().toString());
        if (state.isPresent()) root.put("state", state.get());
        else root.putNull("state");
        var images = root.putArray("images");
        for (FleetStatus.ImageStatus i : s.images()) {
            ObjectNode o = images.addObject();
            o.put("image", i.image());
            putOptional(o, "inputsDigest", i.inputsDigest());
            o.put("built", i.build().isPresent());
            putOptional(o, "imageDigest", i.build().map(Build::imageDigest));
            putOptional(o, "reference", i.build().map(Build::reference));
            putOptional(o, "commit", i.build().map(Build::commit));
            PackageDelta p = packages.get(i.image());
            if (p != null) packages(p, o.putObject("packages"));
        }
        var groups = root.putArray("groups");
        for (FleetStatus.GroupStatus g : s.groups()) {
            ObjectNode o = groups.addObject();
            o.put("group", g.group());
            o.put("image", g.image());
            o.put("delivery", g.delivery());
            o.put("status", lower(g.status()));
            putOptional(o, "target", g.target());
            putOptional(o, "previous", g.previous());
            o.put("rolloutStarted", rolloutStarted(g));
            counts(o, g.counts());
            var waves = o.putArray("waves");
            for (FleetStatus.WaveStatus w : g.waves()) {
                ObjectNode wo = waves.addObject();
                wo.put("wave", w.wave());
                wo.put("phase", lower(w.phase()));
                counts(wo, w.counts());
            }
            var locks = o.putArray("locks");
            for (FleetStatus.Lock l : g.locks()) {
                ObjectNode lo = locks.addObject();
                lo.put("machineId", l.machineId());
                putOptional(lo, "machine", l.machine());
                lo.put("grantedAt", l.holder().grantedAt().toString());
                lo.put("failed", l.holder().failed());
                putOptional(lo, "failedAt", l.holder().failedAt().map(Object::toString));
                putOptional(lo, "failure", l.holder().failure());
            }
            var unknown = o.putArray("unknownPayloads");
            for (FleetStatus.UnknownPayload u : g.unknownPayloads()) {
                unknown.addObject().put("machine", u.machine()).put("payload", u.payload()).put("osVersion", u.osVersion())
                        .put("at", u.at().toString());
            }
            if (g.next().isPresent()) o.set("next", PlanJson.action(g.next().get()));
            else o.putNull("next");
        }
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private static void counts(ObjectNode o, FleetStatus.Counts c) {
        o.put("machines", c.machines());
        o.put("updated", c.updated());
        o.put("updating", c.updating());
        o.put("pending", c.pending());
        o.put("failed", c.failed());
    }

    /** An image's package delta, in the shape of the preview JSON's (docs/plan-json.md#preview). */
    private static void packages(PackageDelta p, ObjectNode o) {
        putOptional(o, "previousDigest", p.previousDigest());
        o.put("digest", p.digest());
        var added = o.putArray("added");
        p.delta().added().forEach(x -> added.addObject().put("name", x.name()).put("version", x.version()).put("arch", x.arch()));
        var removed = o.putArray("removed");
        p.delta().removed().forEach(x -> removed.addObject().put("name", x.name()).put("version", x.version()).put("arch", x.arch()));
        var changed = o.putArray("changed");
        p.delta().changed().forEach(x -> changed.addObject().put("name", x.name()).put("arch", x.arch()).put("from", x.from()).put("to", x.to()));
    }

    private static void putOptional(ObjectNode o, String field, Optional<String> value) {
        if (value.isPresent()) o.put(field, value.get());
        else o.putNull(field);
    }

    private static String counts(FleetStatus.Counts c) {
        return c.updated() + " updated, " + c.updating() + " updating, " + c.pending() + " pending, " + c.failed() + " failed";
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String shortId(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
