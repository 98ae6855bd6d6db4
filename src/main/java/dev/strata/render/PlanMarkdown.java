package dev.strata.render;

import dev.strata.plan.Preview;
import dev.strata.plan.Action;
import dev.strata.plan.Desired;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.FileChange;
import dev.strata.plan.Preview.SpecChange;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A plan as a pull-request comment: a summary table, the spec changes, one collapsible section per
 * image (its reason and the diff of the text files it carries) and per group (its waves and when
 * each could start). Hidden files show as changed with short hashes, never their content. The
 * comment is cut at a section boundary to fit GitHub's limit, with a note saying so.
 */
public final class PlanMarkdown {
    /** GitHub's limit for an issue or pull-request comment body, in characters. */
    public static final int MAX_CHARS = 65_536;
    /** Longest diff shown for one file; the rest is counted. */
    static final int MAX_DIFF_LINES = 300;
    static final int NAMES_SHOWN = 10;

    private PlanMarkdown() {
    }

    public static String render(Plan plan, Preview preview, Desired head, Instant now) {
        return render(plan, preview, head, now, MAX_CHARS);
    }

    static String render(Plan plan, Preview preview, Desired head, Instant now, int limit) {
        Subjects s = Subjects.of(plan, head.fleet());
        List<String> sections = new ArrayList<>();
        sections.add(header(plan, preview, s));
        specChanges(preview).ifPresent(sections::add);
        sections.addAll(headed("### Images", imageSections(s, preview)));
        List<String> groups = new ArrayList<>();
        for (MachineGroup g : head.fleet().groups()) {
            Action decision = s.groups.get(g.name());
            if (decision != null && !(decision instanceof Action.NoOp)) groups.add(GroupSection.render(g, decision, now));
        }
        sections.addAll(headed("### Groups", groups));
        return fit(sections, limit);
    }

    /** A heading travels with the first section under it, so a cut never leaves it alone. */
    private static List<String> headed(String heading, List<String> sections) {
        List<String> out = new ArrayList<>(sections);
        if (!out.isEmpty()) out.set(0, heading + "\n\n" + out.get(0));
        return out;
    }

    /** Whole sections while they fit, then a note counting the rest. */
    static String fit(List<String> sections, int limit) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sections.size(); i++) {
            String next = sections.get(i) + "\n";
            int left = sections.size() - i - 1;
            int reserve = left == 0 ? 0 : note(sections.size()).length();
            if (out.length() + next.length() + reserve > limit) {
                return out.append(note(sections.size() - i)).toString();
            }
            out.append(next);
        }
        return out.toString();
    }

    private static String note(int more) {
        return "---\n\n_Preview truncated: " + more + " more section" + (more == 1 ? "" : "s")
                + "; run strata plan locally for the full output._\n";
    }

    private static String header(Plan plan, Preview preview, Subjects s) {
        StringBuilder b = new StringBuilder("## Strata plan\n\n");
        b.append("Revision ").append(Md.code(preview.headRevision()));
        preview.baseRevision().ifPresent(base -> b.append(" compared with ").append(Md.code(base)));
        b.append(", planned at ").append(plan.createdAt()).append(".\n\n");
        b.append("**").append(Md.text(PlanRenderer.summary(plan))).append("**\n\n");
        b.append("| | Count | Which |\n|---|---:|---|\n");
        row(b, "Images to build", s.images, a -> a instanceof Action.BuildImage);
        row(b, "Groups to roll", s.groups, a -> a instanceof Action.Promote || a instanceof Action.Rollback || a instanceof Action.Wait);
        row(b, "Rollbacks", s.all, a -> a instanceof Action.Rollback);
        row(b, "Waiting", s.all, a -> a instanceof Action.Wait);
        row(b, "Held", s.all, a -> a instanceof Action.Hold);
        row(b, "Up to date", s.all, a -> a instanceof Action.NoOp);
        return b.toString();
    }

    /**
     * One row of the summary table. A row may list an image and a group of the same name (both up to
     * date, say): each then says which it is, "`edge` (image), `edge` (group)".
     */
    private static void row(StringBuilder b, String what, Map<String, Action> actions, Predicate<Action> which) {
        List<Map.Entry<String, Action>> hits = actions.entrySet().stream().filter(e -> which.test(e.getValue())).toList();
        Map<String, Long> times = hits.stream().collect(Collectors.groupingBy(e -> e.getValue().subject(), Collectors.counting()));
        List<String> cells = hits.stream().map(e -> {
            String name = e.getValue().subject();
            int slash = e.getKey().indexOf('/');
            return cell(name) + (times.get(name) > 1 && slash > 0 ? " (" + e.getKey().substring(0, slash) + ")" : "");
        }).toList();
        b.append("| ").append(what).append(" | ").append(hits.size()).append(" | ").append(list(cells)).append(" |\n");
    }

    private static String cell(String name) {
        return Md.code(name).replace("|", "\\|");
    }

    private static String list(List<String> cells) {
        int more = cells.size() - Math.min(cells.size(), NAMES_SHOWN);
        return String.join(", ", cells.subList(0, cells.size() - more)) + (more > 0 ? ", and " + more + " more" : "");
    }

    private static Optional<String> specChanges(Preview preview) {
        if (preview.baseRevision().isEmpty() && preview.specChanges().isEmpty()) return Optional.empty();
        StringBuilder b = new StringBuilder("### Spec changes\n\n");
        int unchanged = 0;
        for (SpecChange c : preview.specChanges()) {
            boolean files = c.kind() == Kind.IMAGE && preview.imageContentChanged(c.name());
            if (c.change() == Change.UNCHANGED && !files) {
                unchanged++;
                continue;
            }
            String word = c.change() != Change.UNCHANGED ? c.change().word()
                    : !preview.fileChanges(c.name()).isEmpty() ? "changed (the files it carries)"
                    : "changed (what its containerfile layers build from)";
            b.append("- ").append(Md.code(c.kind().displayName() + "/" + c.name())).append(' ').append(word).append('\n');
        }
        if (unchanged == preview.specChanges().size()) b.append("No spec changes.\n");
        else if (unchanged > 0) b.append('\n').append(unchanged).append(unchanged == 1 ? " object" : " objects").append(" unchanged.\n");
        return Optional.of(b.toString());
    }

    /** Images that build, in plan order, then images whose files changed but need no build. */
    private static List<String> imageSections(Subjects s, Preview preview) {
        Set<String> names = new LinkedHashSet<>();
        s.images.forEach((name, a) -> {
            if (a instanceof Action.BuildImage) names.add(name);
        });
        preview.fileChanges().forEach(f -> names.add(f.image()));
        preview.containerfiles().forEach(c -> names.add(c.image()));
        preview.packages().forEach(p -> names.add(p.image()));
        List<String> out = new ArrayList<>();
        for (String name : names) out.add(image(name, Optional.ofNullable(s.images.get(name)), preview));
        return out;
    }

    private static String image(String name, Optional<Action> action, Preview preview) {
        StringBuilder b = new StringBuilder("<details>\n<summary>");
        b.append(Md.html(action.map(a -> a.symbol() + " " + PlanRenderer.headline(a)).orElse("image " + name)));
        b.append("</summary>\n\n");
        action.ifPresent(a -> b.append("Reason: ").append(Md.text(a.reason())).append("\n\n"));
        if (action.orElse(null) instanceof Action.BuildImage build) {
            b.append("Inputs digest: ").append(Md.code(build.inputsDigest())).append("\n\n");
        }
        for (FileChange f : preview.fileChanges(name)) file(b, f, Integer.MAX_VALUE);
        for (Preview.ContainerfileChange c : preview.containerfiles(name)) {
            ContainerfileSection.markdown(b, c, (to, f) -> file(to, f, ContainerfileSection.MAX_CONTEXT_DIFF_BYTES));
        }
        preview.packages(name).ifPresent(p -> PackageSection.markdown(b, p));
        return b.append("</details>\n").toString();
    }

    private static void file(StringBuilder b, FileChange f, int maxBytes) {
        FileDiffs.Shown shown = FileDiffs.describe(f, maxBytes);
        b.append("**").append(Md.code(f.path())).append("**");
        if (!f.hidden()) b.append(" (mode ").append(FileDiffs.mode(f.mode())).append(')');
        b.append(": ").append(Md.text(shown.summary())).append("\n\n");
        if (shown.diff().isEmpty()) return;
        List<String> lines = shown.diff().subList(0, Math.min(shown.diff().size(), MAX_DIFF_LINES));
        String fence = Md.fence(lines);
        b.append(fence).append("diff\n");
        lines.forEach(l -> b.append(l).append('\n'));
        b.append(fence).append("\n\n");
        int more = shown.diff().size() - lines.size();
        if (more > 0) b.append("_").append(more).append(" more diff lines not shown._\n\n");
    }

    /**
     * Which actions are about images and which about groups. The planner lists one action per image
     * (parents first), then one per group; an image and a group may share a name, so where the plan
     * has that shape, position decides, and otherwise the action's type and the names in the specs.
     */
    private record Subjects(Map<String, Action> images, Map<String, Action> groups, Map<String, Action> all) {
        static Subjects of(Plan plan, FleetSpec fleet) {
            Set<String> imageNames = FleetSpec.byName(fleet.images(), Image::name).keySet();
            List<Action> actions = plan.actions();
            boolean shaped = actions.size() == fleet.images().size() + fleet.groups().size();
            Map<String, Action> images = new LinkedHashMap<>(), groups = new LinkedHashMap<>(), all = new LinkedHashMap<>();
            for (int i = 0; i < actions.size(); i++) {
                Action a = actions.get(i);
                boolean image = a instanceof Action.BuildImage
                        || (!(a instanceof Action.Promote || a instanceof Action.Hold || a instanceof Action.Rollback)
                        && !(a instanceof Action.Wait w && w.wave().isPresent())
                        && (shaped ? i < fleet.images().size() : imageNames.contains(a.subject())));
                (image ? images : groups).putIfAbsent(a.subject(), a);
                all.put((image ? "image/" : "group/") + a.subject(), a);
            }
            return new Subjects(images, groups, all);
        }
    }
}
