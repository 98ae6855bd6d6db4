package dev.strata.render;

import dev.strata.plan.Preview.ArgChange;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.ContainerfileChange;
import dev.strata.plan.Preview.FileChange;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * How a containerfile layer's change is put into words, shared by the text and Markdown previews: what
 * happened to the layer (added, removed, moved, changed), its build arguments old and new, its
 * Containerfile's diff, and the context files that changed (small text files with their diff).
 */
final class ContainerfileSection {
    /** Context files larger than this show their size and hashes, not a diff. */
    static final int MAX_CONTEXT_DIFF_BYTES = 64 * 1024;

    private ContainerfileSection() {
    }

    /** "added as layer 2 of 3", "removed (was layer 2)", "changed, moved from layer 2 to layer 3 of 3". */
    static String what(ContainerfileChange c) {
        return switch (c.change()) {
            case ADDED -> "added as layer " + c.toPosition().orElseThrow() + " of " + c.layerCount();
            case REMOVED -> "removed (was layer " + c.fromPosition().orElseThrow() + ")";
            default -> {
                List<String> parts = new ArrayList<>();
                if (c.change() == Change.CHANGED) parts.add("changed");
                if (c.moved()) {
                    parts.add("moved from layer " + c.fromPosition().orElseThrow() + " to layer " + c.toPosition().orElseThrow()
                            + " of " + c.layerCount());
                }
                yield String.join(", ", parts);
            }
        };
    }

    /** "`NAME`: `old` → `new`", "added", "removed"; values as written in the spec. */
    static String arg(ArgChange a, java.util.function.Function<String, String> quote) {
        return switch (a.change()) {
            case ADDED -> "added, " + quote.apply(a.after().orElseThrow());
            case REMOVED -> "removed (was " + quote.apply(a.before().orElseThrow()) + ")";
            default -> quote.apply(a.before().orElseThrow()) + " → " + quote.apply(a.after().orElseThrow());
        };
    }

    /** Markdown for one change; {@code file} writes one file's summary and diff as the file layers' are. */
    static void markdown(StringBuilder b, ContainerfileChange c, BiConsumer<StringBuilder, FileChange> file) {
        b.append("**Containerfile layer ").append(Md.code(c.layer())).append("** (").append(Md.code(c.path())).append("): ")
                .append(Md.text(what(c))).append("\n\n");
        if (!c.args().isEmpty()) {
            b.append("Build arguments:\n\n");
            for (ArgChange a : c.args()) {
                b.append("- ").append(Md.code(a.name())).append(": ").append(arg(a, Md::code)).append('\n');
            }
            b.append('\n');
        }
        c.containerfile().ifPresent(f -> file.accept(b, f));
        if (!c.context().isEmpty()) {
            b.append("Context ").append(Md.code(c.contextPath().isEmpty() ? "." : c.contextPath())).append(": ")
                    .append(count(c.context().size())).append("\n\n");
            for (FileChange f : c.context()) file.accept(b, f);
        }
    }

    /** Text lines for one change, without diffs (the text preview lists, the Markdown one shows). */
    static List<String> text(ContainerfileChange c) {
        List<String> out = new ArrayList<>();
        out.add("layer " + c.layer() + " (" + c.path() + "): " + what(c));
        for (ArgChange a : c.args()) out.add("  build argument " + a.name() + ": " + arg(a, v -> "\"" + v + "\""));
        c.containerfile().ifPresent(f -> out.add("  Containerfile: " + FileDiffs.describe(f).summary()));
        for (FileChange f : c.context()) {
            out.add("  context " + f.path() + ": " + FileDiffs.describe(f, MAX_CONTEXT_DIFF_BYTES).summary());
        }
        return out;
    }

    private static String count(int n) {
        return n + (n == 1 ? " file changed" : " files changed");
    }
}
