package dev.strata.validate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FROM contract of a containerfile layer (docs/build.md): every stage starts FROM
 * {@code ${STRATA_BASE}}, an earlier stage, {@code scratch} or an image pinned by digest, and so does
 * every {@code COPY --from}, {@code ADD --from} and {@code RUN --mount=from=}. Anything else would pull an
 * image the inputs digest does not name. Reads just enough Containerfile syntax for that: comments,
 * line continuations and heredocs.
 */
final class ContainerfileFrom {
    private static final Pattern PINNED = Pattern.compile("[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}");
    private static final Pattern HEREDOC = Pattern.compile("<<-?[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?");

    /** A broken rule at a 1-based line and column of the Containerfile. */
    record Violation(int line, int column, String message) {
    }

    private ContainerfileFrom() {
    }

    static List<Violation> check(String containerfile) {
        List<Violation> out = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        int stageCount = 0;
        boolean sawFrom = false;
        for (Instruction in : instructions(containerfile)) {
            List<Token> t = in.tokens();
            String keyword = t.get(0).text().toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                sawFrom = true;
                int i = 1;
                while (i < t.size() && t.get(i).text().startsWith("--")) i++;
                if (i >= t.size()) {
                    out.add(new Violation(t.get(0).line(), t.get(0).column(), "FROM names no image"));
                    continue;
                }
                Token image = t.get(i);
                if (!allowed(image.text(), stages)) {
                    out.add(new Violation(image.line(), image.column(), "FROM " + image.text() + why(image.text())));
                }
                if (i + 2 < t.size() && t.get(i + 1).text().equalsIgnoreCase("AS")) {
                    stages.add(t.get(i + 2).text().toLowerCase(Locale.ROOT));
                }
                stageCount++;
            } else if (keyword.equals("COPY") || keyword.equals("ADD") || keyword.equals("RUN")) {
                for (Token option : t.subList(1, t.size())) {
                    if (!option.text().startsWith("--")) break;
                    String from = fromOf(option.text());
                    if (from == null) continue;
                    boolean stageIndex = from.matches("[0-9]+") && Integer.parseInt(from) < stageCount;
                    if (!stageIndex && !allowed(from, stages)) {
                        out.add(new Violation(option.line(), option.column(), keyword + " " + option.text() + why(from)));
                    }
                }
            }
        }
        if (!sawFrom) out.add(new Violation(1, 1, "the Containerfile has no FROM"));
        return out;
    }

    private static String fromOf(String option) {
        if (option.startsWith("--from=")) return option.substring("--from=".length());
        if (option.startsWith("--mount=")) {
            for (String part : option.substring("--mount=".length()).split(",")) {
                if (part.startsWith("from=")) return part.substring("from=".length());
            }
        }
        return null;
    }

    private static boolean allowed(String image, Set<String> stages) {
        return image.equals("${STRATA_BASE}") || image.equals("$STRATA_BASE") || image.equals("scratch")
                || stages.contains(image.toLowerCase(Locale.ROOT)) || PINNED.matcher(image).matches();
    }

    private static String why(String image) {
        return image.contains("$") ? " uses a variable other than STRATA_BASE, whose value the inputs digest does not pin"
                : image.contains("@") ? " is not pinned by a sha256 digest of 64 lowercase hex characters"
                : " is neither ${STRATA_BASE}, an earlier stage nor pinned by digest: its tag can move without the inputs digest changing";
    }

    record Token(String text, int line, int column) {
    }

    record Instruction(List<Token> tokens) {
    }

    /** Instructions with their whitespace-separated tokens, each at its own line and column. */
    static List<Instruction> instructions(String text) {
        String[] lines = text.split("\n", -1);
        List<Instruction> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        String heredocEnd = null;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            if (heredocEnd != null) {
                if (line.strip().equals(heredocEnd)) heredocEnd = null;
                continue;
            }
            if (line.strip().startsWith("#") || (current.isEmpty() && line.isBlank())) continue;
            String body = line.stripTrailing();
            boolean continues = body.endsWith("\\");
            if (continues) body = body.substring(0, body.length() - 1);
            tokenize(body, n + 1, current);
            Matcher heredoc = HEREDOC.matcher(body);
            if (heredoc.find() && !continues) heredocEnd = heredoc.group(1);
            if (!continues && !current.isEmpty()) {
                out.add(new Instruction(List.copyOf(current)));
                current.clear();
            }
        }
        if (!current.isEmpty()) out.add(new Instruction(List.copyOf(current)));
        return out;
    }

    private static void tokenize(String line, int lineNo, List<Token> to) {
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) i++;
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) i++;
            if (i > start) to.add(new Token(line.substring(start, i), lineNo, start + 1));
        }
    }
}
