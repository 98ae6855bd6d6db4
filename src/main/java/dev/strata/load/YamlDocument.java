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
import java.util.function.IntFunction;

/**
 * One YAML document of a spec file: its content as JSON for schema validation and binding, and its
 * node tree, which keeps the source marks. Locations are looked up on demand by walking the node
 * tree; documents read by {@link YamlReader} compose that tree only when a location is first asked
 * for, so a large valid fleet never holds it.
 */
public final class YamlDocument {
    private final String file;
    private final int index;
    private final JsonNode json;
    private final IntFunction<Node> roots;

    /** A document whose node tree is already composed. */
    public YamlDocument(String file, int index, Node root, JsonNode json) {
        this(file, index, json, i -> root);
        Objects.requireNonNull(root, "root");
    }

    YamlDocument(String file, int index, JsonNode json, MarkedSource source) {
        this(file, index, json, source::root);
    }

    private YamlDocument(String file, int index, JsonNode json, IntFunction<Node> roots) {
        this.file = Objects.requireNonNull(file, "file");
        this.index = index;
        this.json = Objects.requireNonNull(json, "json");
        this.roots = roots;
    }

    public String file() {
        return file;
    }

    /** 0-based position of the document in its file, empty documents counted. */
    public int index() {
        return index;
    }

    public JsonNode json() {
        return json;
    }

    /** The node tree with marks (composed again from the file's text the first time it is needed). */
    public Node root() {
        return roots.apply(index);
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
        return mark(root().getStartMark());
    }

    private Location locate(PropertyPath path, boolean wantKey) {
        Node node = root();
        Node lastKey = null;
        for (Object segment : path.segments()) {
            Node next = null;
            lastKey = null;
            if (node instanceof MappingNode m && segment instanceof String name) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
                        next = t.getValueNode();
                        lastKey = k;
                        break;
                    }
                }
            } else if (node instanceof SequenceNode s && segment instanceof Integer i && i >= 0 && i < s.getValue().size()) {
                next = s.getValue().get(i);
            }
            if (next == null) return mark(node.getStartMark());
            node = next;
        }
        return mark((wantKey && lastKey != null ? lastKey : node).getStartMark());
    }

    private Location mark(Optional<Mark> m) {
        return m.map(x -> new Location(file, x.getLine() + 1, x.getColumn() + 1)).orElse(Location.of(file));
    }

    @Override
    public String toString() {
        return "YamlDocument[" + file + " #" + index + "]";
    }
}
