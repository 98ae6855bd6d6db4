package dev.strata.render;

import java.util.List;

/** Escaping for GitHub-flavoured Markdown and the bits of HTML it allows (details, summary, code). */
final class Md {
    private Md() {
    }

    /** Text in Markdown: punctuation that would format is escaped; '@' cannot mention anyone. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : PlanRenderer.clean(s).toCharArray()) {
            switch (c) {
                case '\\', '`', '*', '_', '[', ']', '|', '#', '~' -> b.append('\\').append(c);
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '@' -> b.append("&#64;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Text inside an HTML element such as summary, where Markdown is not read. */
    static String html(String s) {
        return PlanRenderer.clean(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("@", "&#64;");
    }

    /** A code span that survives backticks in its content (not for table cells: pipes are not escaped). */
    static String code(String s) {
        String t = PlanRenderer.clean(s);
        String ticks = "`".repeat(longestRun(t, '`') + 1);
        String pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
        return ticks + pad + t + pad + ticks;
    }

    /** A fence longer than any run of backticks in the lines, so content cannot close it. */
    static String fence(List<String> lines) {
        int run = 0;
        for (String l : lines) run = Math.max(run, longestRun(l, '`'));
        return "`".repeat(Math.max(3, run + 1));
    }

    private static int longestRun(String s, char c) {
        int best = 0, run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }
}
