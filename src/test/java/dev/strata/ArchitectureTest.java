package dev.strata;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dependencies between Strata's packages point one way. {@link #ALLOWED} says which dev.strata
 * packages each package may use, planned packages included, and must equal the table in
 * docs/architecture.md. A use is an import or a fully qualified name in code (comments and string
 * literals do not count).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "strata");
    private static final Path DOC = Path.of("docs", "architecture.md");

    /** Package -> the dev.strata packages it may use. Keep equal to docs/architecture.md. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        allow("diag");
        allow("spec");
        allow("source");
        allow("load", "diag", "spec", "source");
        allow("validate", "diag", "spec", "source", "load");
        allow("render", "diag", "spec", "validate", "plan");
        allow("plan", "spec");
        allow("inputs", "spec", "source", "plan");
        allow("state", "spec", "plan");
        allow("registry", "spec", "plan");
        allow("build", "spec", "source", "plan", "inputs", "registry");
        allow("delivery", "spec", "plan", "state");
        allow("reconcile", "diag", "spec", "source", "load", "validate", "plan", "inputs", "state", "registry", "build",
                "delivery");
        allow("serve", "diag", "spec", "plan", "state", "delivery", "reconcile");
        Set<String> everything = new TreeSet<>(ALLOWED.keySet());
        ALLOWED.put("cli", everything);
    }

    /** Value packages: no I/O, no clock, no randomness, no library; the planner is a pure function. */
    static final Set<String> PURE = Set.of("diag", "spec", "plan");
    private static final Pattern PURE_IMPORTS = Pattern.compile(
            "(java\\.(lang|util|time|math|text|nio\\.charset|security)|dev\\.strata)\\..*");
    private static final Pattern IMPURE_CALL = Pattern.compile(
            "\\b(?:(?:Instant|LocalDate|LocalDateTime|LocalTime|ZonedDateTime|OffsetDateTime)\\.now|Clock\\.system\\w*"
                    + "|System\\.(?:currentTimeMillis|nanoTime|getenv|getProperty)|Math\\.random|UUID\\.randomUUID"
                    + "|ThreadLocalRandom\\.current|new\\s+(?:java\\.util\\.|java\\.security\\.)?(?:Secure)?Random)\\s*\\(");

    private static final Pattern STRATA_REF = Pattern.compile("\\bdev\\.strata\\.([a-z_][a-z0-9_]*)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");

    private static void allow(String pkg, String... may) {
        ALLOWED.put(pkg, new TreeSet<>(List.of(may)));
    }

    @Test
    void packagesUseOnlyTheStrataPackagesTheTableAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources()) {
            String pkg = packageOf(file);
            String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
            if (!ALLOWED.containsKey(pkg)) {
                violations.add(MAIN.relativize(file) + ": package '" + pkg + "' is not in the table;"
                        + " add it to docs/architecture.md and ArchitectureTest.ALLOWED");
                continue;
            }
            Matcher declared = PACKAGE.matcher(code);
            int bodyStart = declared.find() ? declared.end() : 0;
            Matcher m = STRATA_REF.matcher(code);
            while (m.find(bodyStart)) {
                String used = m.group(1);
                bodyStart = m.end();
                if (!used.equals(pkg) && !ALLOWED.get(pkg).contains(used)) {
                    violations.add(where(file, code, m.start()) + ": " + pkg + " uses dev.strata." + used
                            + ", which docs/architecture.md does not allow (" + pkg + " may use " + describe(ALLOWED.get(pkg)) + ")");
                }
            }
        }
        assertThat(violations).as("package dependencies (docs/architecture.md)").isEmpty();
    }

    @Test
    void valuePackagesStayPure() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : mainSources()) {
            if (!PURE.contains(packageOf(file))) continue;
            String code = codeOnly(Files.readString(file, StandardCharsets.UTF_8));
            Matcher imp = IMPORT.matcher(code);
            while (imp.find()) {
                if (!PURE_IMPORTS.matcher(imp.group(1)).matches()) {
                    violations.add(where(file, code, imp.start(1)) + ": imports " + imp.group(1)
                            + "; value packages use only java.lang, java.util, java.time, java.math, java.text,"
                            + " java.nio.charset and java.security");
                }
            }
            Matcher call = IMPURE_CALL.matcher(code);
            while (call.find()) {
                violations.add(where(file, code, call.start()) + ": calls " + call.group().replaceAll("[\\s(]+", "")
                        + "(); the clock, the environment and randomness arrive as values");
            }
        }
        assertThat(violations).as("pure packages (docs/architecture.md)").isEmpty();
    }

    @Test
    void theTableEqualsTheOneInTheDoc() throws IOException {
        Map<String, Set<String>> doc = docTable();
        List<String> differences = new ArrayList<>();
        Set<String> packages = new TreeSet<>(doc.keySet());
        packages.addAll(ALLOWED.keySet());
        for (String pkg : packages) {
            Set<String> inDoc = doc.get(pkg);
            Set<String> inTest = ALLOWED.get(pkg);
            if (!Objects.equals(inDoc, inTest)) {
                differences.add(pkg + ": docs/architecture.md says " + (inDoc == null ? "nothing (no row)" : inDoc)
                        + ", ArchitectureTest.ALLOWED says " + (inTest == null ? "nothing (no entry)" : inTest));
            }
        }
        assertThat(differences).as("the package table of docs/architecture.md and ArchitectureTest.ALLOWED").isEmpty();
    }

    @Test
    void theTableHasNoCycleAndNothingUsesCli() {
        for (var e : ALLOWED.entrySet()) {
            assertThat(e.getValue()).as("packages %s may use", e.getKey()).doesNotContain(e.getKey());
            assertThat(ALLOWED.keySet()).as("packages %s may use", e.getKey()).containsAll(e.getValue());
            if (!e.getKey().equals("cli")) assertThat(e.getValue()).as("packages %s may use", e.getKey()).doesNotContain("cli");
        }
        Set<String> done = new HashSet<>();
        for (String pkg : ALLOWED.keySet()) assertNoCycle(pkg, new ArrayList<>(), done);
    }

    private static void assertNoCycle(String pkg, List<String> path, Set<String> done) {
        if (done.contains(pkg)) return;
        assertThat(path).as("dependency cycle: %s -> %s", String.join(" -> ", path), pkg).doesNotContain(pkg);
        path.add(pkg);
        for (String next : ALLOWED.get(pkg)) assertNoCycle(next, path, done);
        path.remove(path.size() - 1);
        done.add(pkg);
    }

    /**
     * Reads the table of the "Packages" section of docs/architecture.md: rows whose first cell is a
     * `package` and whose last cell lists the `packages` it may use ("every other package" for cli,
     * "nothing" for none).
     */
    static Map<String, Set<String>> docTable() throws IOException {
        Map<String, Set<String>> table = new TreeMap<>();
        Pattern row = Pattern.compile("^\\|\\s*`([a-z]+)`\\s*\\|.*\\|([^|]*)\\|\\s*$");
        Pattern name = Pattern.compile("`([a-z]+)`");
        List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) inSection = line.strip().equals("## Packages");
            Matcher m = row.matcher(line);
            if (!inSection) continue;
            if (m.matches()) rows.add(new String[]{m.group(1), m.group(2)});
        }
        for (String[] r : rows) {
            Set<String> may = new TreeSet<>();
            if (r[1].contains("every other package")) {
                rows.forEach(o -> may.add(o[0]));
                may.remove(r[0]);
            } else {
                Matcher n = name.matcher(r[1]);
                while (n.find()) may.add(n.group(1));
            }
            table.put(r[0], may);
        }
        assertThat(table).as("the package table of %s", DOC).isNotEmpty();
        return table;
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The first folder under dev/strata; sub-packages belong to their top package. */
    private static String packageOf(Path file) {
        Path rel = MAIN.relativize(file);
        return rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
    }

    private static String where(Path file, String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (code.charAt(i) == '\n') line++;
        return file + ":" + line;
    }

    private static String describe(Set<String> may) {
        return may.isEmpty() ? "no dev.strata package" : String.join(", ", may);
    }

    /**
     * The source with comments, string, text-block and char literals blanked out (newlines kept, so
     * offsets still give line numbers).
     */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') end = src.indexOf("\"\"\"", end + 1);
                end = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < n && src.charAt(end) != c && src.charAt(end) != '\n') end += src.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) if (out.charAt(k) != '\n') out.setCharAt(k, ' ');
            i = end;
        }
        return out.toString();
    }
}
