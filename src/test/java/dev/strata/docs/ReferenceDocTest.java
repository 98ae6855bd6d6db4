package dev.strata.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.diag.Check;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs keep up with the code: every property of every schema in schemas/ has a row in its
 * kind's section of docs/reference.md, and every check id has a row in docs/cli.md, and neither doc
 * lists something that no longer exists.
 *
 * <p>Property paths are written as docs/reference.md writes them: {@code spec.rollout.waves[].percent},
 * with {@code []} for each item of a list and {@code *} for each value of a map whose values have
 * properties.
 */
class ReferenceDocTest {
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path REFERENCE = Path.of("docs", "reference.md");
    private static final Path CLI = Path.of("docs", "cli.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|(.*)$");

    private final Map<String, JsonNode> schemas = new HashMap<>();

    @Test
    void everySchemaPropertyIsInTheReference() throws IOException {
        Map<String, List<String>> sections = tableRowsBySection(REFERENCE);
        List<String> missing = new ArrayList<>();
        for (var e : schemaProperties().entrySet()) {
            List<String> documented = sections.getOrDefault(e.getKey(), List.of());
            for (String path : e.getValue()) {
                if (!documented.contains(path)) missing.add(e.getKey() + ": `" + path + "`");
            }
        }
        assertThat(missing).as("schema properties missing from the tables of %s", REFERENCE).isEmpty();
    }

    @Test
    void theReferenceListsOnlyPropertiesTheSchemasHave() throws IOException {
        Map<String, List<String>> sections = tableRowsBySection(REFERENCE);
        List<String> stale = new ArrayList<>();
        for (var e : schemaProperties().entrySet()) {
            assertThat(sections).as("%s has a section '## %s'", REFERENCE, e.getKey()).containsKey(e.getKey());
            for (String path : sections.get(e.getKey())) {
                if (!e.getValue().contains(path)) stale.add(e.getKey() + ": `" + path + "`");
            }
        }
        assertThat(stale).as("rows of %s that no schema defines", REFERENCE).isEmpty();
    }

    @Test
    void everyCheckIsInTheCliDocWithItsSeverityAndHint() throws IOException {
        Map<String, String> rows = new HashMap<>();
        for (String line : Files.readAllLines(CLI, StandardCharsets.UTF_8)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) rows.put(m.group(1), m.group(2));
        }
        List<String> problems = new ArrayList<>();
        for (Check c : Check.values()) {
            String row = rows.get(c.id());
            if (row == null) {
                problems.add("`" + c.id() + "` has no row");
                continue;
            }
            List<String> cells = List.of(row.split("\\|", -1)).stream().map(String::strip).toList();
            if (!cells.get(0).equals(c.severity().label())) {
                problems.add("`" + c.id() + "` severity is " + c.severity().label() + ", the doc says " + cells.get(0));
            }
            if (!row.contains(c.hint())) problems.add("`" + c.id() + "` row does not carry its hint: " + c.hint());
        }
        assertThat(problems).as("checks in %s", CLI).isEmpty();
    }

    @Test
    void theCliDocListsOnlyChecksThatExist() throws IOException {
        List<String> unknown = tableRowsBySection(CLI).getOrDefault("Checks", List.of()).stream()
                .filter(id -> Check.byId(id).isEmpty()).toList();
        assertThat(tableRowsBySection(CLI)).as("%s has a section '## Checks'", CLI).containsKey("Checks");
        assertThat(unknown).as("check ids in %s that dev.strata.diag.Check does not define", CLI).isEmpty();
    }

    /** Kind (the schema's title without "Strata ") -> every property path of that kind's schema. */
    private Map<String, Set<String>> schemaProperties() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".schema.json")).sorted().toList()) {
                JsonNode root = schema(file.getFileName().toString());
                Set<String> paths = new LinkedHashSet<>();
                walk(file.getFileName().toString(), root, "", paths, new LinkedHashSet<>());
                if (paths.isEmpty()) continue; // common.schema.json: definitions only
                String title = root.path("title").asText();
                assertThat(title).as("title of %s", file).startsWith("Strata ");
                out.put(title.substring("Strata ".length()), paths);
            }
        }
        assertThat(out).as("schemas with properties in %s", SCHEMAS).isNotEmpty();
        return out;
    }

    private void walk(String file, JsonNode node, String prefix, Set<String> out, Set<String> refsOnPath) throws IOException {
        if (node == null || !node.isObject()) return;
        if (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            int hash = ref.indexOf('#');
            String target = hash == 0 ? file : ref.substring(ref.lastIndexOf('/', hash < 0 ? ref.length() : hash) + 1,
                    hash < 0 ? ref.length() : hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            if (refsOnPath.add(target + "#" + pointer)) { // a recursive definition is walked once
                walk(target, schema(target).at(pointer), prefix, out, refsOnPath);
                refsOnPath.remove(target + "#" + pointer);
            }
        }
        JsonNode properties = node.path("properties");
        for (var it = properties.fields(); it.hasNext(); ) {
            var p = it.next();
            String path = prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey();
            out.add(path);
            walk(file, p.getValue(), path, out, refsOnPath);
        }
        walk(file, node.get("items"), prefix + "[]", out, refsOnPath);
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && additional.isObject()) walk(file, additional, prefix + ".*", out, refsOnPath);
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode branch : node.path(combinator)) walk(file, branch, prefix, out, refsOnPath);
        }
    }

    private JsonNode schema(String file) throws IOException {
        JsonNode cached = schemas.get(file);
        if (cached == null) {
            cached = JSON.readTree(SCHEMAS.resolve(file).toFile());
            schemas.put(file, cached);
        }
        return cached;
    }

    /** "## Title" -> the backticked first cells of the table rows under it. */
    static Map<String, List<String>> tableRowsBySection(Path doc) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) section = line.substring(3).strip();
            Matcher m = ROW.matcher(line);
            if (m.matches()) out.computeIfAbsent(section, s -> new ArrayList<>()).add(m.group(1));
        }
        return out;
    }
}
