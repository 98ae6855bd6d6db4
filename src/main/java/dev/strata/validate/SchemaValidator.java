package dev.strata.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostic;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.load.ShapeCheck;
import dev.strata.load.YamlDocument;
import dev.strata.spec.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Validates documents against the JSON Schemas in schemas/ (packaged into the jar). A failing
 * keyword is turned into a Strata diagnostic: its check id comes from the "x-strata-check"
 * annotation of the schema that failed (so the schema stays the single source of truth), else from
 * the keyword.
 */
public final class SchemaValidator implements ShapeCheck {
    public static final String SCHEMA_BASE = "https://strata.dev/schemas/v1alpha1/";
    static final String RESOURCE_FOLDER = "dev/strata/schemas/";

    /** The schema files read raw, for the annotations of a failing keyword. */
    private static final List<String> SCHEMA_FILES = List.of("common.schema.json", "fleet.schema.json",
            "stream.schema.json", "image.schema.json", "machinegroup.schema.json");

    private final Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);
    private final Map<String, JsonNode> rawSchemas = new HashMap<>();

    /** Everything is read and compiled here, so {@link #check} may be called from several threads. */
    public SchemaValidator() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(assertionsOnly(),
                b -> b.schemaLoader(l -> l.fetchRemoteResources(false)
                        .schemaIdResolvers(r -> r.mapPrefix(SCHEMA_BASE, "classpath:" + RESOURCE_FOLDER))));
        for (Kind k : Kind.values()) {
            Schema schema = registry.getSchema(SchemaLocation.of(SCHEMA_BASE + k.schemaFile()));
            schema.initializeValidators(); // else $refs are resolved lazily, during validation
            schemas.put(k, schema);
        }
        for (String file : SCHEMA_FILES) rawSchemas.put(file, readSchema(file));
    }

    /**
     * Draft 2020-12 without a validator for the keywords that only annotate: title, description,
     * default, examples, $comment and Strata's own x-strata-*. Each was a step (and an evaluation path
     * built) for every value checked, nearly half the steps for a machine; Strata reads them from the
     * raw schema only when a value fails ({@link #schemaNodeOwning}). Assertions are unchanged.
     */
    private static final String META_DATA_VOCABULARY = "https://json-schema.org/draft/2020-12/vocab/meta-data";

    private static Dialect assertionsOnly() {
        return Dialect.builder(Dialects.getDraft202012())
                .vocabularies(v -> v.remove(META_DATA_VOCABULARY)) // title, description, default, examples, ...
                .keywords(k -> k.remove("$comment"))
                .unknownKeywordFactory((keyword, context) -> null) // x-strata-check, x-strata-hint
                .build();
    }

    /**
     * A shape check whose schemas are compiled on a background thread. Compiling them is mostly class
     * loading (half a second on a cold JVM), which the loader overlaps with reading the first files.
     */
    public static ShapeCheck compiledInBackground() {
        FutureTask<SchemaValidator> compiling = new FutureTask<>(SchemaValidator::new);
        Thread thread = new Thread(compiling, "strata-schemas");
        thread.setDaemon(true);
        thread.start();
        return new ShapeCheck() {
            @Override
            public List<Diagnostic> check(YamlDocument document, Kind kind) {
                return compiled(compiling).check(document, kind);
            }

            @Override
            public boolean ready() {
                return compiling.isDone();
            }
        };
    }

    private static SchemaValidator compiled(FutureTask<SchemaValidator> compiling) {
        try {
            return compiling.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the schemas", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof java.lang.Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The raw text of a packaged schema file, for tools and tests. */
    public static JsonNode readSchema(String file) {
        try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(RESOURCE_FOLDER + file)) {
            if (in == null) throw new IllegalStateException("schema " + file + " is not packaged");
            return new ObjectMapper().readTree(in); // a few files, once: no shared mapper to initialise up front
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Diagnostic> check(YamlDocument doc, Kind kind) {
        List<Diagnostic> out = new ArrayList<>();
        for (Error e : schemas.get(kind).validate(doc.json())) out.add(toDiagnostic(doc, e));
        return out;
    }

    private Diagnostic toDiagnostic(YamlDocument doc, Error e) {
        PropertyPath at = PropertyPath.fromPointer(e.getInstanceLocation().toString());
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        Optional<JsonNode> owner = schemaNodeOwning(e.getSchemaLocation());
        Check check = owner.map(n -> n.path("x-strata-check").asText(null)).flatMap(Check::byId)
                .orElseGet(() -> switch (keyword) {
                    case "additionalProperties", "unevaluatedProperties" -> Check.SCHEMA_UNKNOWN_FIELD;
                    case "required" -> Check.SCHEMA_REQUIRED;
                    case "type" -> Check.SCHEMA_TYPE;
                    case "enum", "const" -> Check.SCHEMA_ENUM;
                    default -> Check.SCHEMA_CONSTRAINT;
                });
        String hint = owner.map(n -> n.path("x-strata-hint").asText(null)).orElse(check.hint());
        Location location;
        PropertyPath path;
        String message;
        switch (keyword) {
            case "additionalProperties", "unevaluatedProperties" -> {
                path = at.with(e.getProperty());
                location = doc.keyAt(path);
                message = "unknown property '" + e.getProperty() + "'"
                        + suggestion(e.getProperty(), owner.map(n -> n.path("properties")).orElse(null));
            }
            case "required" -> {
                path = at.with(e.getProperty());
                location = doc.valueAt(at);
                message = "missing required property '" + e.getProperty() + "'";
            }
            default -> {
                path = at;
                location = doc.valueAt(at);
                JsonNode value = e.getInstanceNode();
                String shown = value == null ? "" : value.isTextual() ? "'" + value.asText() + "'" : String.valueOf(value);
                String what = owner.map(n -> n.path("title").asText(null)).orElse(null);
                Optional<String> expected = owner.map(n -> n.path("type")).flatMap(SchemaValidator::typeNames);
                if (keyword.equals("type") && value != null && expected.isPresent()) {
                    message = "expected " + expected.get() + ", found " + describe(value, doc.sourceText(at));
                } else if (what != null && !keyword.equals("type")) {
                    message = shown + " is not a valid " + what;
                } else if (keyword.equals("enum") || keyword.equals("const")) {
                    message = shown + " is not allowed here; " + e.getMessage();
                } else {
                    message = (shown.isEmpty() ? "" : shown + ": ") + e.getMessage();
                }
            }
        }
        return new Diagnostic(check.id(), check.severity(), location, path.toString(), message, hint);
    }

    /** "a string", "an integer or a string": the JSON Schema {@code type} in words. */
    private static Optional<String> typeNames(JsonNode type) {
        List<String> names = new ArrayList<>();
        if (type.isTextual()) names.add(type.asText());
        for (JsonNode t : type) if (t.isTextual()) names.add(t.asText());
        if (names.isEmpty()) return Optional.empty();
        List<String> words = names.stream().map(n -> switch (n) {
            case "string" -> "a string";
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "array" -> "a list";
            case "object" -> "a mapping";
            default -> n;
        }).toList();
        return Optional.of(String.join(" or ", words));
    }

    /**
     * The value found, quoting the source text when YAML resolved it to something else, because an
     * unquoted {@code 0644} arrives here as the number 644 and the user never wrote 644.
     */
    private static String describe(JsonNode value, Optional<String> source) {
        String found = switch (value.getNodeType()) {
            case STRING -> "the string '" + value.asText() + "'";
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> "the boolean " + value.asText();
            case NULL -> "an empty value";
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            default -> String.valueOf(value);
        };
        boolean resolved = value.isNumber() || value.isBoolean() || value.isNull();
        return source.filter(src -> resolved && !src.isEmpty() && !src.equals(value.asText()))
                .map(src -> found + " (YAML reads the unquoted " + src + " as " + value.asText() + ")")
                .orElse(found);
    }

    /** The schema object whose keyword failed, e.g. "#/$defs/mode" for "#/$defs/mode/pattern". */
    private Optional<JsonNode> schemaNodeOwning(SchemaLocation location) {
        String text = location.toString();
        int hash = text.indexOf('#');
        String resource = hash < 0 ? text : text.substring(0, hash);
        String pointer = hash < 0 ? "" : text.substring(hash + 1);
        int slash = pointer.lastIndexOf('/');
        pointer = slash <= 0 ? "" : pointer.substring(0, slash);
        String file = resource.substring(resource.lastIndexOf('/') + 1);
        if (file.isEmpty()) return Optional.empty();
        JsonNode root = rawSchemas.get(file);
        if (root == null) return Optional.empty();
        JsonNode node = root.at(pointer);
        return node.isMissingNode() ? Optional.empty() : Optional.of(node);
    }

    private static String suggestion(String unknown, JsonNode properties) {
        if (properties == null || !properties.isObject()) return "";
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String candidate = it.next();
            int d = Levenshtein.distance(unknown.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, unknown.length() / 3) ? "; did you mean '" + best + "'?" : "";
    }
}
