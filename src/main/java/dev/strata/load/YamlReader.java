package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one spec file into YAML documents, with marks kept. YAML 1.2 core schema; only the standard
 * scalar and collection tags; duplicate keys, bombs and oversized input are reported, never thrown.
 */
public final class YamlReader {
    private static final Set<Tag> ALLOWED_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final LoadLimits limits;
    private final Map<Tag, ConstructNode> scalars = new CoreSchema().getSchemaTagConstructors();

    public YamlReader(LoadLimits limits) {
        this.limits = limits;
    }

    /** Parses {@code bytes} of {@code file}; problems go to {@code diags} and yield no document. */
    public List<YamlDocument> read(String file, byte[] bytes, Diagnostics diags) {
        if (bytes.length > limits.maxFileBytes()) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "file is " + bytes.length + " bytes; spec files may be at most " + limits.maxFileBytes() + " bytes");
            return List.of();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            diags.add(Check.YAML_SYNTAX, Location.of(file), "", "file is not valid UTF-8", "Save the file as UTF-8.");
            return List.of();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setAllowNonScalarKeys(false)
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()))
                .setUseMarks(true)
                .build();
        List<YamlDocument> out = new ArrayList<>();
        int index = 0;
        try {
            for (Node root : new Compose(settings).composeAllFromString(text)) {
                int docIndex = index++;
                if (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) continue; // an empty document
                Converter c = new Converter(file, diags);
                JsonNode json = c.convert(root, PropertyPath.ROOT);
                if (c.failed) continue;
                out.add(new YamlDocument(file, docIndex, root, json));
            }
        } catch (MarkedYamlEngineException e) {
            Location at = e.getProblemMark().or(e::getContextMark).map(m -> at(file, m)).orElse(Location.of(file));
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            diags.add(Check.YAML_SYNTAX, at, "", context(e, at) + problem);
        } catch (YamlEngineException e) {
            // Alias and size limits come without a mark.
            String message = e.getMessage() != null && e.getMessage().startsWith("Number of aliases")
                    ? "more than " + limits.maxAliases() + " aliases to lists or mappings (the shape of a YAML"
                    + " 'billion laughs' bomb); the file was not expanded"
                    : e.getMessage();
            diags.add(Check.YAML_LIMIT, Location.of(file), "", message);
        } catch (StackOverflowError e) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "nesting is too deep to read; spec documents nest at most " + limits.maxDepth() + " levels");
        }
        return out;
    }

    /** "while parsing a flow sequence started at 9:8: " when the construct began elsewhere, as unclosed brackets do. */
    private static String context(MarkedYamlEngineException e, Location problemAt) {
        if (e.getContext() == null) return "";
        String where = e.getContextMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                .filter(w -> !w.equals(problemAt.line() + ":" + problemAt.column()))
                .map(w -> " started at " + w).orElse("");
        return e.getContext() + where + ": ";
    }

    private static Location at(String file, Mark m) {
        return new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }

    private static Location at(String file, Node n) {
        return n.getStartMark().map(m -> at(file, m)).orElse(Location.of(file));
    }

    /** Node tree to JSON, enforcing tags, depth, size and unique keys. Stops at the first problem. */
    private final class Converter {
        private final String file;
        private final Diagnostics diags;
        private int nodes;
        private boolean failed;

        Converter(String file, Diagnostics diags) {
            this.file = file;
            this.diags = diags;
        }

        /** {@code path} is where {@code node} sits in the document; its length is the nesting depth. */
        JsonNode convert(Node node, PropertyPath path) {
            if (failed) return JSON.nullNode();
            if (++nodes > limits.maxNodes()) {
                return fail(Check.YAML_LIMIT, node, path, "document expands to more than " + limits.maxNodes()
                        + " values (aliases included)");
            }
            if (path.segments().size() > limits.maxDepth()) {
                return fail(Check.YAML_LIMIT, node, path, "nesting deeper than " + limits.maxDepth() + " levels");
            }
            if (!ALLOWED_TAGS.contains(node.getTag())) {
                return fail(Check.YAML_TAG, node, path, "tag " + shown(node.getTag()) + " is not allowed");
            }
            if (node instanceof MappingNode m) return mapping(m, path);
            if (node instanceof SequenceNode s) {
                ArrayNode a = JSON.arrayNode(s.getValue().size());
                for (Node item : s.getValue()) a.add(convert(item, path.with(a.size())));
                return a;
            }
            return scalar((ScalarNode) node);
        }

        private JsonNode mapping(MappingNode m, PropertyPath path) {
            ObjectNode o = JSON.objectNode();
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !ALLOWED_TAGS.contains(k.getTag())) {
                    return fail(Check.YAML_SYNTAX, t.getKeyNode(), path, "keys must be plain strings");
                }
                Node first = seen.putIfAbsent(k.getValue(), k);
                if (first != null) {
                    String where = first.getStartMark().map(x -> " (first at line " + (x.getLine() + 1) + ")").orElse("");
                    return fail(Check.YAML_DUPLICATE_KEY, k, path.with(k.getValue()),
                            "duplicate key '" + k.getValue() + "'" + where);
                }
                o.set(k.getValue(), convert(t.getValueNode(), path.with(k.getValue())));
            }
            return o;
        }

        /** A tag as it is usually written: !!python/object rather than tag:yaml.org,2002:python/object. */
        private static String shown(Tag tag) {
            String value = tag.getValue();
            return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
        }

        private JsonNode scalar(ScalarNode s) {
            Tag tag = s.getTag();
            if (tag.equals(Tag.STR)) return JSON.textNode(s.getValue());
            Object v = scalars.get(tag).construct(s);
            if (v == null) return JSON.nullNode();
            if (v instanceof Boolean b) return JSON.booleanNode(b);
            if (v instanceof Integer i) return JSON.numberNode(i);
            if (v instanceof Long l) return JSON.numberNode(l);
            if (v instanceof BigInteger b) return JSON.numberNode(b);
            if (v instanceof Double d) return JSON.numberNode(d);
            return JSON.textNode(s.getValue());
        }

        private JsonNode fail(Check check, Node at, PropertyPath path, String message) {
            if (!failed) diags.add(check, YamlReader.at(file, at), path.toString(), message);
            failed = true;
            return JSON.nullNode();
        }
    }

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}
