package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
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
    private final ScalarResolver resolver = new CoreSchema().getScalarResolver();

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
        // The node trees are dropped once converted; positions come from composing the text again.
        MarkedSource source = new MarkedSource(text, () -> settings(file));
        List<YamlDocument> out = new ArrayList<>();
        int index = 0;
        try {
            for (Node root : new Compose(settings(file)).composeAllFromString(text)) {
                int docIndex = index++;
                if (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) continue; // an empty document
                Converter c = new Converter(file, diags);
                JsonNode json = c.convert(root, 0);
                if (c.failed) continue;
                out.add(new YamlDocument(file, docIndex, json, source));
            }
        } catch (MarkedYamlEngineException e) {
            Location at = e.getProblemMark().or(e::getContextMark).map(m -> at(file, m)).orElse(Location.of(file));
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            diags.add(Check.YAML_SYNTAX, at, "", (e.getContext() == null ? "" : e.getContext() + ": ") + problem);
        } catch (ReaderException e) {
            // A character YAML does not allow (a control character, say): a syntax problem at that position.
            diags.add(Check.YAML_SYNTAX, at(file, text, e.getPosition()), "", String.format(Locale.ROOT,
                    "character U+%04X is not allowed in YAML", e.getCodePoint()), "Remove the character or escape it in a double-quoted string.");
        } catch (YamlEngineException e) {
            // Alias and size limits come without a mark.
            diags.add(Check.YAML_LIMIT, Location.of(file), "", e.getMessage());
        } catch (StackOverflowError e) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "nesting is too deep to read; spec documents nest at most " + limits.maxDepth() + " levels");
        }
        return out;
    }

    private LoadSettings settings(String file) {
        return LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                // Complex keys are refused by the converter, at their position and with a clear message.
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()))
                .setUseMarks(true)
                .build();
    }

    /** The line and column of the code point at {@code offset}, counting line breaks as YAML does. */
    private static Location at(String file, String text, int offset) {
        int line = 1, column = 1;
        for (int i = 0, cp = 0; i < text.length() && cp < offset; cp++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean lineBreak = c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'));
            line = lineBreak ? line + 1 : line;
            column = lineBreak ? 1 : column + 1;
        }
        return new Location(file, line, column);
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
        /**
         * Anchored nodes already converted. An alias shares the JSON of its anchor and only adds its size
         * and height to the counts, so a YAML bomb is refused on arithmetic, without expanding it in memory.
         */
        private final Map<Node, Converted> anchored = new IdentityHashMap<>();
        private int nodes;
        private int deepest;
        private boolean failed;

        Converter(String file, Diagnostics diags) {
            this.file = file;
            this.diags = diags;
        }

        private record Converted(JsonNode json, int size, int height) {
        }

        JsonNode convert(Node node, int depth) {
            if (failed) return JSON.nullNode();
            if (node.getAnchor().isEmpty()) return convertOnce(node, depth);
            Converted done = anchored.get(node);
            if (done != null) {
                nodes += done.size() - 1; // the check below counts one more
                deepest = Math.max(deepest, depth + done.height());
                return withinLimits(node, depth + done.height()) ? done.json() : JSON.nullNode();
            }
            int before = nodes;
            int outerDeepest = deepest;
            deepest = depth;
            JsonNode json = convertOnce(node, depth);
            if (!failed) anchored.put(node, new Converted(json, nodes - before, deepest - depth));
            deepest = Math.max(outerDeepest, deepest);
            return json;
        }

        private boolean withinLimits(Node node, int depth) {
            if (++nodes > limits.maxNodes()) {
                fail(Check.YAML_LIMIT, node, "document expands to more than " + limits.maxNodes()
                        + " values (aliases included)");
            } else if (depth > limits.maxDepth()) {
                fail(Check.YAML_LIMIT, node, "nesting deeper than " + limits.maxDepth() + " levels");
            }
            return !failed;
        }

        private JsonNode convertOnce(Node node, int depth) {
            deepest = Math.max(deepest, depth);
            if (!withinLimits(node, depth)) return JSON.nullNode();
            if (!ALLOWED_TAGS.contains(node.getTag())) {
                return fail(Check.YAML_TAG, node, "tag " + shown(node.getTag()) + " is not allowed");
            }
            if (node instanceof MappingNode m) {
                return m.getTag().equals(Tag.MAP) ? mapping(m, depth) : misfit(m, "a mapping");
            }
            if (node instanceof SequenceNode s) {
                if (!s.getTag().equals(Tag.SEQ)) return misfit(s, "a sequence");
                ArrayNode a = JSON.arrayNode(s.getValue().size());
                for (Node item : s.getValue()) a.add(convert(item, depth + 1));
                return a;
            }
            return scalar((ScalarNode) node);
        }

        private JsonNode misfit(Node node, String what) {
            return fail(Check.YAML_TAG, node, "tag " + shown(node.getTag()) + " does not fit " + what);
        }

        private JsonNode mapping(MappingNode m, int depth) {
            ObjectNode o = JSON.objectNode();
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !ALLOWED_TAGS.contains(k.getTag())) {
                    return fail(Check.YAML_SYNTAX, t.getKeyNode(), "keys must be plain strings");
                }
                Node first = seen.putIfAbsent(k.getValue(), k);
                if (first != null) {
                    String where = first.getStartMark().map(x -> " (first at line " + (x.getLine() + 1) + ")").orElse("");
                    return fail(Check.YAML_DUPLICATE_KEY, k, "duplicate key '" + k.getValue() + "'" + where);
                }
                o.set(k.getValue(), convert(t.getValueNode(), depth + 1));
            }
            return o;
        }

        private JsonNode scalar(ScalarNode s) {
            Tag tag = s.getTag();
            if (tag.equals(Tag.STR)) return JSON.textNode(s.getValue());
            if (tag.equals(Tag.MAP) || tag.equals(Tag.SEQ)) return misfit(s, "a scalar");
            // An explicit tag (!!int abc, !!bool maybe, !!map x) must fit the value; an integer may be tagged !!float.
            Tag implicit = resolver.resolve(s.getValue(), true);
            if (!implicit.equals(tag) && !(tag.equals(Tag.FLOAT) && implicit.equals(Tag.INT))) {
                return fail(Check.YAML_TAG, s, "'" + s.getValue() + "' is not a valid " + shown(tag) + " value");
            }
            Object v = scalars.get(tag).construct(s);
            if (v == null) return JSON.nullNode();
            if (v instanceof Boolean b) return JSON.booleanNode(b);
            if (v instanceof Integer i) return JSON.numberNode(i);
            if (v instanceof Long l) return JSON.numberNode(l);
            if (v instanceof BigInteger b) return JSON.numberNode(b);
            if (v instanceof Double d) return JSON.numberNode(d);
            return JSON.textNode(s.getValue());
        }

        private JsonNode fail(Check check, Node at, String message) {
            if (!failed) diags.add(check, YamlReader.at(file, at), "", message);
            failed = true;
            return JSON.nullNode();
        }
    }

    /** !!int for the standard tags, the tag itself for any other. */
    private static String shown(Tag tag) {
        return tag.getValue().startsWith(Tag.PREFIX) ? "!!" + tag.getValue().substring(Tag.PREFIX.length()) : tag.getValue();
    }

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}
