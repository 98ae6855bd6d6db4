package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.Objects;
import java.util.Optional;

/**
 * One YAML document of a spec file: its content as JSON for schema validation and binding, and its
 * node tree, which keeps the source marks. Locations are looked up on demand by walking the node
 * tree; documents read by {@link YamlReader} compose that tree only when a location is first asked
 * for, so a large valid fleet never holds it.
 */
public final class YamlDocument {
    private final String file;
    private final int index;
    /** Null once released: then it is converted again from the file's text when asked for. */
    private final JsonNode json;
    private final MarkedSource source;
    private final Node root;

    /** A document whose node tree is already composed. */
    public YamlDocument(String file, int index, Node root, JsonNode json) {
        this(file, index, Objects.requireNonNull(json, "json"), null, Objects.requireNonNull(root, "root"));
    }

    /** A document read from {@code source}, whose node tree is composed when first needed. */
    YamlDocument(String file, int index, JsonNode json, MarkedSource source) {
        this(file, index, Objects.requireNonNull(json, "json"), Objects.requireNonNull(source, "source"), null);
    }

    private YamlDocument(String file, int index, JsonNode json, MarkedSource source, Node root) {
        this.file = Objects.requireNonNull(file, "file");
        this.index = index;
        this.json = json;
        this.source = source;
        this.root = root;
    }

    /**
     * The same document without its JSON held in memory: {@link #json()} converts it again from the
     * file's text. For keeping every document of a large fleet to locate diagnostics in later.
     */
    YamlDocument withoutJson() {
        return source == null ? this : new YamlDocument(file, index, null, source, null);
    }

    public String file() {
        return file;
    }

    /** 0-based position of the document in its file, empty documents counted. */
    public int index() {
        return index;
    }

    public JsonNode json() {
        return json != null ? json : source.json(index);
    }

    /** The node tree with marks (composed again from the file's text the first time it is needed). */
    public Node root() {
        return markedRoot().orElseThrow(() -> new IllegalStateException(this + " does not compose"));
    }

    private Optional<Node> markedRoot() {
        return root != null ? Optional.of(root) : source.root(index);
    }

    /** Where the value at {@code path} starts; the nearest existing ancestor when it is absent. */
    public Location valueAt(PropertyPath path) {
        return locate(path, false);
    }

    /** Where the key of the property at {@code path} starts (for unknown or duplicate properties). */
    public Location keyAt(PropertyPath path) {
        return locate(path, true);
    }

    public Location start() {
        return markedRoot().map(r -> mark(r.getStartMark())).orElse(Location.of(file));
    }

    /**
     * The scalar at {@code path} as written in the file (before YAML resolved it to a number or
     * boolean), so messages can quote what the user typed: {@code 0644}, not {@code 644}.
     */
    public Optional<String> sourceText(PropertyPath path) {
        Optional<Node> marked = markedRoot();
        if (marked.isEmpty()) return Optional.empty();
        Node node = marked.get();
        for (Object segment : path.segments()) {
            Step next = step(node, segment);
            if (next == null) return Optional.empty();
            node = next.value();
        }
        return node instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }

    private Location locate(PropertyPath path, boolean wantKey) {
        Optional<Node> top = markedRoot();
        if (top.isEmpty()) return Location.of(file);
        Node node = top.get();
        Node lastKey = null;
        for (Object segment : path.segments()) {
            Step next = step(node, segment);
            if (next == null) return mark(node.getStartMark());
            node = next.value();
            lastKey = next.key();
        }
        return mark((wantKey && lastKey != null ? lastKey : node).getStartMark());
    }

    /** One step down the tree: a property's key and value, or a list item (no key); null when absent. */
    private record Step(Node key, Node value) {
    }

    private static Step step(Node node, Object segment) {
        if (node instanceof MappingNode m && segment instanceof String name) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) return new Step(k, t.getValueNode());
            }
        } else if (node instanceof SequenceNode s && segment instanceof Integer i && i >= 0 && i < s.getValue().size()) {
            return new Step(null, s.getValue().get(i));
        }
        return null;
    }

    private Location mark(Optional<Mark> m) {
        return m.map(x -> new Location(file, x.getLine() + 1, x.getColumn() + 1)).orElse(Location.of(file));
    }

    @Override
    public String toString() {
        return "YamlDocument[" + file + " #" + index + "]";
    }
}
