package dev.strata.render;

import dev.strata.plan.Preview;
import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.SpecChange;
import dev.strata.spec.Kind;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plan as text for people, in the manner of {@code terraform plan}: one line per action with its
 * symbol, the details indented under it, and a closing line that counts what would happen.
 * Actions keep the plan's order. File contents are never printed here, hidden or not.
 */
public final class PlanRenderer {
    /** At most this many machine names are listed under one action; the rest are counted. */
    static final int MACHINES_SHOWN = 20;
    private static final String DETAIL = "      ";

    private PlanRenderer() {
    }

    public static void text(Plan plan, PrintWriter out) {
        out.println("Strata plan for revision " + clean(plan.revision()) + " at " + plan.createdAt());
        out.println();
        actions(plan, out);
        out.flush();
    }

    /** A preview: spec changes per object between the two revisions, then the actions. */
    public static void text(Plan plan, Preview preview, PrintWriter out) {
        out.println("Strata plan for revision " + clean(plan.revision()) + " at " + plan.createdAt());
        out.println();
        List<String> changed = new ArrayList<>();
        for (SpecChange c : preview.specChanges()) {
            if (c.change() != Change.UNCHANGED) {
                changed.add(pad(specSymbol(c.change())) + " " + clean(c.toString()));
            } else if (c.kind() == Kind.IMAGE && preview.imageContentChanged(c.name())) {
                // Its spec names the same files, but their bytes changed: as the Markdown preview says it.
                changed.add(pad(specSymbol(Change.CHANGED)) + " " + clean(c.kind().displayName() + "/" + c.name())
                        + (preview.fileChanges(c.name()).isEmpty() ? " changed (what its containerfile layers build from)"
                        : " changed (the files it carries)"));
            }
        }
        String between = preview.baseRevision().map(b -> clean(b) + " → ").orElse("") + clean(preview.headRevision());
        if (changed.isEmpty()) {
            out.println("No spec changes (" + between + ").");
        } else {
            out.println("Spec changes (" + between + "):");
            changed.forEach(out::println);
        }
        List<String> images = preview.fileChanges().stream().map(Preview.FileChange::image).distinct().toList();
        for (String image : images) {
            out.println();
            out.println("Files of image " + clean(image) + ":");
            for (Preview.FileChange f : preview.fileChanges(image)) {
                out.println(DETAIL + clean(f.path()) + ": " + FileDiffs.describe(f).summary());
            }
        }
        for (String image : preview.containerfiles().stream().map(Preview.ContainerfileChange::image).distinct().toList()) {
            out.println();
            out.println("Containerfile layers of image " + clean(image) + ":");
            for (Preview.ContainerfileChange c : preview.containerfiles(image)) {
                ContainerfileSection.text(c).forEach(l -> out.println(DETAIL + clean(l)));
            }
        }
        for (dev.strata.plan.PackageDelta p : preview.packages()) {
            out.println();
            PackageSection.text(p).forEach(l -> out.println(l.startsWith(" ") ? DETAIL + clean(l.strip()) : clean(l)));
        }
        out.println();
        actions(plan, out);
        out.flush();
    }

    private static void actions(Plan plan, PrintWriter out) {
        for (Action a : plan.actions()) {
            out.println(pad(a.symbol()) + " " + clean(headline(a)));
            out.println(DETAIL + "reason: " + clean(a.reason()));
            if (a instanceof Action.BuildImage b && !b.changed().isEmpty()) {
                out.println(DETAIL + "changed: " + clean(String.join(", ", b.changed())));
            } else if (a instanceof Action.Promote p) {
                out.println(DETAIL + machines(p.machines()));
            } else if (a instanceof Action.Rollback r) {
                out.println(DETAIL + machines(r.machines()));
            } else if (a instanceof Action.Wait w && w.until().isPresent()) {
                out.println(DETAIL + "until: " + w.until().get());
            }
        }
        if (!plan.actions().isEmpty()) out.println();
        out.println(summary(plan));
    }

    /** "Plan: 2 to build, 1 to promote, 0 to roll back; 1 waiting, 0 held." or the no-changes line. */
    public static String summary(Plan plan) {
        long build = count(plan, Action.BuildImage.class), promote = count(plan, Action.Promote.class);
        long rollback = count(plan, Action.Rollback.class), wait = count(plan, Action.Wait.class);
        long hold = count(plan, Action.Hold.class);
        if (!plan.hasChanges() && wait == 0 && hold == 0) return "No changes. The fleet matches its specs.";
        return "Plan: " + build + " to build, " + promote + " to promote, " + rollback + " to roll back; "
                + wait + " waiting, " + hold + " held.";
    }

    /** The verb and subject of an action, with its cause: "build dc-bonded (spec changed)". */
    static String headline(Action a) {
        if (a instanceof Action.BuildImage b) return "build " + b.image() + " (" + words(b.cause()) + ")";
        if (a instanceof Action.Promote p) return "promote " + p.group() + ", wave " + p.wave();
        if (a instanceof Action.Wait w) {
            return "wait " + w.group() + w.wave().map(v -> ", wave " + v).orElse("") + " (" + words(w.cause()) + ")";
        }
        if (a instanceof Action.Hold h) return "hold " + h.group() + " (" + words(h.cause()) + ")";
        if (a instanceof Action.Rollback r) return "roll back " + r.group();
        return a.subject() + " (no changes)";
    }

    static String machines(List<String> names) {
        String shown = String.join(", ", names.stream().limit(MACHINES_SHOWN).toList());
        int more = names.size() - MACHINES_SHOWN;
        return "machines (" + names.size() + "): " + clean(shown) + (more > 0 ? ", and " + more + " more" : "");
    }

    /** An enum constant as words: SPEC_CHANGED -> "spec changed". */
    static String words(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static String specSymbol(Change c) {
        return switch (c) {
            case ADDED -> "+";
            case CHANGED -> "~";
            case REMOVED -> "-";
            case UNCHANGED -> "=";
        };
    }

    private static long count(Plan plan, Class<? extends Action> type) {
        return plan.actions().stream().filter(type::isInstance).count();
    }

    /** Symbols right-aligned in three columns, so "-/+" and "+" line up as in Terraform. */
    private static String pad(String symbol) {
        return " ".repeat(Math.max(0, 3 - symbol.length())) + symbol;
    }

    /** No control characters reach a terminal from spec text. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
