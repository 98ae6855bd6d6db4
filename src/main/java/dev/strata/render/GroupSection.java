package dev.strata.render;

import dev.strata.plan.Action;
import dev.strata.spec.Durations;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import dev.strata.spec.Window;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** One group in a pull-request preview: its decision, rollout policy, and a table of its waves. */
final class GroupSection {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ENGLISH);

    private GroupSection() {
    }

    static String render(MachineGroup g, Action decision, Instant now) {
        Rollout r = g.rollout();
        StringBuilder b = new StringBuilder("<details>\n<summary>");
        b.append(Md.html(decision.symbol() + " " + PlanRenderer.headline(decision))).append("</summary>\n\n");
        b.append("Reason: ").append(Md.text(decision.reason())).append("\n\n");
        b.append(policy(g)).append("\n\n");
        ZoneId zone = r.timeZone();
        boolean utc = zone.normalized().equals(ZoneOffset.UTC);
        b.append("| Wave | Machines | Could start¹").append(utc ? " (UTC)" : " (" + Md.text(zone.getId()) + ") | Could start¹ (UTC)")
                .append(" |\n|---|---:|---|").append(utc ? "" : "---|").append('\n');
        for (Schedule.Row row : Schedule.of(g, decision, now)) {
            b.append("| ").append(Md.text(row.wave())).append(" | ").append(row.machines()).append(" | ");
            if (row.start().isEmpty()) {
                b.append(Md.text(row.note())).append(utc ? "" : " | ").append(" |\n");
                continue;
            }
            Instant t = row.start().get();
            String suffix = (t.equals(now) ? " (now)" : "") + (row.note().isEmpty() ? "" : " (" + Md.text(row.note()) + ")");
            b.append(WHEN.format(t.atZone(zone))).append(suffix);
            if (!utc) b.append(" | ").append(WHEN.format(t.atZone(ZoneOffset.UTC))).append(suffix);
            b.append(" |\n");
        }
        b.append("\n¹ Schedule preview, planned at ").append(now).append(": the earliest start of each wave, assuming each wave")
                .append(" completes the moment it starts, then waits the bake time and the next window. Machines that take")
                .append(" longer, limits and approvals only make it later.\n\n");
        return b.append("</details>\n").toString();
    }

    /** "Image `dc-bonded`, delivered by bootc; 10 machines; at most 2 unavailable (1 per rack); bake time 30m; windows ..." */
    private static String policy(MachineGroup g) {
        Rollout r = g.rollout();
        StringBuilder b = new StringBuilder("Image ").append(Md.code(g.image())).append(", delivered by ")
                .append(g.delivery().value()).append("; ").append(g.machines().size())
                .append(g.machines().size() == 1 ? " machine" : " machines").append("; at most ")
                .append(r.maxUnavailable()).append(" unavailable");
        r.disruptionBudget().ifPresent(d -> b.append(" (").append(d.maxUnavailable()).append(" per ")
                .append(Md.text(String.join("/", d.groupBy()))).append(')'));
        b.append("; bake time ").append(Durations.format(r.bakeTime())).append("; ");
        if (r.alwaysOpen()) {
            b.append("no maintenance windows (any time)");
        } else {
            b.append("windows ").append(String.join(", ", r.windows().stream().map(GroupSection::window).toList()))
                    .append(" (").append(Md.text(r.timeZone().getId())).append(')');
        }
        r.holdAfter().ifPresent(h -> b.append("; held after wave ").append(Md.text(h)).append(" until approved"));
        if (r.paused()) b.append("; paused");
        return b.append('.').toString();
    }

    private static String window(Window w) {
        List<String> days = new TreeSet<>(w.days()).stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH)).toList();
        return String.join("/", days) + " " + w.start() + " for " + Durations.format(w.length());
    }
}
