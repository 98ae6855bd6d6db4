package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the JSON of each document of a YAML stream straight from the parser's events, and enforces
 * what spec files allow: standard tags that fit their values, unique plain keys, bounded nesting and
 * size. It does what snakeyaml's Composer does (anchors, aliases, '<<' merge keys, at most
 * {@link LoadLimits#maxAliases()} aliases to collections per document) without building a node tree,
 * which was a third of the time of reading a large fleet, and without recursion, so absurd nesting
 * is refused instead of overflowing the stack.
 *
 * <p>A document stops at its first problem. With {@code diags} the problem is reported there, at the
 * event's position when the parser keeps marks; without, the document is only left out. A limit
 * (depth, size, aliases) stops the whole file: it is refused, and input that deep or that large is
 * also where snakeyaml's scanner slows down.
 */
final class EventConverter {
    private static final Set<Tag> ALLOWED_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Marks an anchor whose collection is still being read: an alias to it would nest forever. */
    private static final Converted IN_PROGRESS = new Converted(JSON.nullNode(), 0, 0, null, null);
    private static final CoreScalars RESOLVER = new CoreScalars();
    /** Constructors of int, float, bool and null values; stateless, so shared. */
    private static final Map<Tag, ConstructNode> SCALARS = Map.copyOf(CoreScalars.SCHEMA.getSchemaTagConstructors());

    private final String file;
    private final LoadLimits limits;
    private final Diagnostics diags;
    /**
     * Short strings seen in this file, so that repeats are one object: label keys and values such as
     * {@code rack: r1} recur on every machine, and each string is an object the collector copies for
     * as long as the fleet is held.
     */
    private final Map<String, String> shortStrings = new HashMap<>();

    // Per document.
    private final Map<String, Converted> anchors = new HashMap<>();
    private final Deque<Frame> open = new ArrayDeque<>();
    private JsonNode root;
    private int nodes;
    private int deepest;
    private int collectionAliases;
    private boolean failed;
    /** A limit was hit: the file is refused and not read further (the parser is slow on some such input). */
    private boolean refused;

    /** @param diags where problems are reported; null to only leave the failing documents out */
    EventConverter(String file, LoadLimits limits, Diagnostics diags) {
        this.file = file;
        this.limits = limits;
        this.diags = diags;
    }

    /** A document that read cleanly: its 0-based index in the stream (empty documents counted) and JSON. */
    record Document(int index, JsonNode json) {
    }

    /**
     * An anchored value: what an alias to it adds. A collection's JSON is shared by its aliases; a
     * scalar keeps its text and tag, as it may be used as a key or a value.
     */
    private record Converted(JsonNode json, int size, int height, String text, Tag tag) {
        boolean collection() {
            return text == null;
        }
    }

    /** A mapping or sequence being read. */
    private static final class Frame {
        final ContainerNode<?> json;
        final Optional<Mark> start;
        final String anchor;
        final int depth;
        final int nodesBefore;
        final int outerDeepest;
        /** Mappings: the key whose value comes next, null while a key is expected. */
        String key;
        boolean merge;
        List<ObjectNode> merges;
        Map<String, Optional<Mark>> keyMarks;

        Frame(ContainerNode<?> json, Optional<Mark> start, String anchor, int depth, int nodesBefore, int outerDeepest) {
            this.json = json;
            this.start = start;
            this.anchor = anchor;
            this.depth = depth;
            this.nodesBefore = nodesBefore;
            this.outerDeepest = outerDeepest;
        }

        boolean expectsKey() {
            return json instanceof ObjectNode && key == null;
        }
    }

    /**
     * Reads every document of the stream into {@code out}, leaving out empty documents and those with
     * a problem. Syntax errors from the parser are thrown; the documents before them are in {@code out}.
     *
     * @return whether every document read cleanly
     */
    boolean readAll(Parser parser, List<Document> out) {
        boolean clean = true;
        parser.next(); // stream start
        for (int index = 0; !parser.checkEvent(Event.ID.StreamEnd); index++) {
            parser.next(); // document start
            JsonNode json = document(parser);
            if (refused) return false;
            if (json == null) {
                clean = false;
            } else if (!json.isNull()) { // a null root is an empty document
                out.add(new Document(index, json));
            }
        }
        return clean;
    }

    /** The document's JSON, or null when it has a problem. Consumes its events up to the document end. */
    private JsonNode document(Parser parser) {
        anchors.clear();
        open.clear();
        root = null;
        nodes = 0;
        deepest = 0;
        collectionAliases = 0;
        failed = false;
        for (Event ev = parser.next(); ev.getEventId() != Event.ID.DocumentEnd; ev = parser.next()) {
            if (refused) return null;
            if (failed) continue; // the rest of the document is still parsed, for its syntax
            switch (ev.getEventId()) {
                case Scalar -> scalar((ScalarEvent) ev);
                case Alias -> alias((AliasEvent) ev);
                case MappingStart -> start((CollectionStartEvent) ev, true);
                case SequenceStart -> start((CollectionStartEvent) ev, false);
                case MappingEnd, SequenceEnd -> end();
                default -> {
                    // comments are not requested; nothing else occurs inside a document
                }
            }
        }
        return failed ? null : root;
    }

    private void scalar(ScalarEvent ev) {
        Optional<String> explicit = ev.getTag();
        Tag tag = explicit.isPresent() && !explicit.get().equals("!") ? new Tag(explicit.get())
                : RESOLVER.resolve(ev.getValue(), ev.getImplicit().canOmitTagInPlainScalar());
        if (ev.getAnchor().isPresent()) anchors.put(ev.getAnchor().get().getValue(), new Converted(null, 1, 0, ev.getValue(), tag));
        Frame top = open.peek();
        if (top != null && top.expectsKey()) {
            key(top, ev.getValue(), tag, ev.getStartMark());
            return;
        }
        if (!counted(1, open.size(), ev.getStartMark())) return;
        JsonNode json = scalar(ev.getValue(), tag, ev.getStartMark());
        if (!failed) deliver(json, ev.getStartMark());
    }

    private JsonNode scalar(String value, Tag tag, Optional<Mark> at) {
        if (tag.equals(Tag.STR)) return JSON.textNode(shared(value));
        if (!ALLOWED_TAGS.contains(tag)) return fail(Check.YAML_TAG, at, "tag " + shown(tag) + " is not allowed");
        if (tag.equals(Tag.MAP) || tag.equals(Tag.SEQ)) return fail(Check.YAML_TAG, at, "tag " + shown(tag) + " does not fit a scalar");
        // An explicit tag (!!int abc, !!bool maybe) must fit the value; an integer may be tagged !!float.
        Tag implicit = RESOLVER.resolve(value, true);
        if (!implicit.equals(tag) && !(tag.equals(Tag.FLOAT) && implicit.equals(Tag.INT))) {
            return fail(Check.YAML_TAG, at, "'" + value + "' is not a valid " + shown(tag) + " value");
        }
        Object v = SCALARS.get(tag).construct(new ScalarNode(tag, value, ScalarStyle.PLAIN));
        if (v == null) return JSON.nullNode();
        if (v instanceof Boolean b) return JSON.booleanNode(b);
        if (v instanceof Integer i) return JSON.numberNode(i);
        if (v instanceof Long l) return JSON.numberNode(l);
        if (v instanceof BigInteger b) return JSON.numberNode(b);
        if (v instanceof Double d) return JSON.numberNode(d);
        return JSON.textNode(value);
    }

    private void alias(AliasEvent ev) {
        String name = ev.getAlias().getValue();
        Optional<Mark> at = ev.getStartMark();
        Converted c = anchors.get(name);
        if (c == null) {
            fail(Check.YAML_SYNTAX, at, "found undefined alias *" + name);
            return;
        }
        if (c == IN_PROGRESS) {
            fail(Check.YAML_LIMIT, at, "alias *" + name + " is used inside the value it names, which would nest forever");
            return;
        }
        if (c.collection() && ++collectionAliases > limits.maxAliases()) {
            fail(Check.YAML_LIMIT, at, "more than " + limits.maxAliases() + " aliases to mappings or sequences in one document");
            return;
        }
        Frame top = open.peek();
        if (top != null && top.expectsKey()) {
            if (c.collection()) fail(Check.YAML_SYNTAX, at, "keys must be plain strings");
            else key(top, c.text(), c.tag(), at);
            return;
        }
        // The alias shares its anchor's JSON and adds its size and height: a bomb is refused on arithmetic.
        nodes += c.size() - 1;
        deepest = Math.max(deepest, open.size() + c.height());
        if (!counted(1, open.size() + c.height(), at)) return;
        JsonNode json = c.collection() ? c.json() : scalar(c.text(), c.tag(), at);
        if (!failed) deliver(json, at);
    }

    private void start(CollectionStartEvent ev, boolean mapping) {
        Optional<Mark> at = ev.getStartMark();
        Frame top = open.peek();
        if (top != null && top.expectsKey()) {
            fail(Check.YAML_SYNTAX, at, "keys must be plain strings");
            return;
        }
        int depth = open.size();
        if (!counted(1, depth, at)) return;
        Tag tag = ev.getTag().filter(t -> !t.equals("!")).map(Tag::new).orElse(mapping ? Tag.MAP : Tag.SEQ);
        if (!ALLOWED_TAGS.contains(tag)) {
            fail(Check.YAML_TAG, at, "tag " + shown(tag) + " is not allowed");
            return;
        }
        if (!tag.equals(mapping ? Tag.MAP : Tag.SEQ)) {
            fail(Check.YAML_TAG, at, "tag " + shown(tag) + " does not fit " + (mapping ? "a mapping" : "a sequence"));
            return;
        }
        String anchor = ev.getAnchor().map(a -> a.getValue()).orElse(null);
        Frame f = new Frame(mapping ? JSON.objectNode() : JSON.arrayNode(), at, anchor, depth, nodes - 1, deepest);
        if (mapping && diags != null) f.keyMarks = new HashMap<>();
        if (anchor != null) {
            anchors.put(anchor, IN_PROGRESS);
            deepest = depth; // measured again for this subtree, for its height
        }
        deepest = Math.max(deepest, depth);
        open.push(f);
    }

    private void end() {
        Frame f = open.pop();
        if (f.merges != null) {
            // As YAML 1.1 merge keys (and snakeyaml) do: explicit keys win, then earlier merged mappings.
            ObjectNode o = (ObjectNode) f.json;
            for (ObjectNode source : f.merges) {
                for (Map.Entry<String, JsonNode> e : source.properties()) {
                    if (!o.has(e.getKey())) o.set(e.getKey(), e.getValue());
                }
            }
        }
        if (f.anchor != null) {
            anchors.put(f.anchor, new Converted(f.json, nodes - f.nodesBefore, deepest - f.depth, null, null));
            deepest = Math.max(f.outerDeepest, deepest);
        }
        deliver(f.json, f.start);
    }

    /**
     * Strings of at most this many characters are shared (keys, label values like r1 or eu-west-1a);
     * longer ones (machine ids and names, file contents) rarely repeat and would only fill the map.
     */
    private static final int SHORT = 10;

    private String shared(String s) {
        if (s.length() > SHORT) return s;
        String first = shortStrings.putIfAbsent(s, s);
        return first == null ? s : first;
    }

    private void key(Frame top, String key, Tag tag, Optional<Mark> at) {
        if (tag.equals(Tag.MERGE)) {
            top.merge = true;
            top.key = key;
            return;
        }
        if (!ALLOWED_TAGS.contains(tag)) {
            fail(Check.YAML_SYNTAX, at, "keys must be plain strings");
            return;
        }
        if (((ObjectNode) top.json).has(key)) {
            String where = top.keyMarks == null ? "" : top.keyMarks.getOrDefault(key, Optional.empty())
                    .map(m -> " (first at line " + (m.getLine() + 1) + ")").orElse("");
            fail(Check.YAML_DUPLICATE_KEY, at, "duplicate key '" + key + "'" + where, key);
            return;
        }
        if (top.keyMarks != null) top.keyMarks.put(key, at);
        top.key = shared(key);
    }

    private void deliver(JsonNode value, Optional<Mark> at) {
        Frame top = open.peek();
        if (top == null) {
            root = value;
        } else if (top.json instanceof ArrayNode a) {
            a.add(value);
        } else if (top.merge) {
            merge(top, value, at);
        } else {
            ((ObjectNode) top.json).set(top.key, value);
            top.key = null;
        }
    }

    private void merge(Frame top, JsonNode value, Optional<Mark> at) {
        boolean mappings = value.isObject() || value.isArray();
        for (JsonNode item : value.isArray() ? value : List.of(value)) mappings &= item.isObject();
        if (!mappings) {
            fail(Check.YAML_SYNTAX, at, "'<<' merges a mapping or a list of mappings");
            return;
        }
        if (top.merges == null) top.merges = new ArrayList<>(2);
        for (JsonNode item : value.isArray() ? value : List.of(value)) top.merges.add((ObjectNode) item);
        top.merge = false;
        top.key = null;
    }

    /** Counts {@code n} values at {@code depth} against the limits. */
    private boolean counted(int n, int depth, Optional<Mark> at) {
        nodes += n;
        if (nodes > limits.maxNodes()) {
            fail(Check.YAML_LIMIT, at, "document expands to more than " + limits.maxNodes() + " values (aliases included)");
        } else if (depth > limits.maxDepth()) {
            fail(Check.YAML_LIMIT, at, "nesting deeper than " + limits.maxDepth() + " levels");
        }
        return !failed;
    }

    private JsonNode fail(Check check, Optional<Mark> at, String message) {
        return fail(check, at, message, null);
    }

    /** Reports at {@code at}, with the property path of the value being read (plus {@code key}, if given). */
    private JsonNode fail(Check check, Optional<Mark> at, String message, String key) {
        if (!failed && diags != null) {
            diags.add(check, at.map(m -> new Location(file, m.getLine() + 1, m.getColumn() + 1)).orElse(Location.of(file)),
                    path(key), message);
        }
        failed = true;
        refused |= check == Check.YAML_LIMIT;
        return JSON.nullNode();
    }

    /** The path of the value being read: each open mapping's pending key, each open list's next index. */
    private String path(String key) {
        PropertyPath p = PropertyPath.ROOT;
        for (java.util.Iterator<Frame> it = open.descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.json instanceof ObjectNode) {
                if (f.key != null && !f.merge) p = p.with(f.key);
            } else {
                p = p.with(f.json.size());
            }
        }
        return (key == null ? p : p.with(key)).toString();
    }

    /** !!int for the standard tags, the tag itself for any other. */
    static String shown(Tag tag) {
        return tag.getValue().startsWith(Tag.PREFIX) ? "!!" + tag.getValue().substring(Tag.PREFIX.length()) : tag.getValue();
    }
}
