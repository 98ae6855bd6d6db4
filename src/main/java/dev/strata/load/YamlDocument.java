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

import java.util.Optional;

/**
 * One YAML document of a spec file: its composed node tree (which keeps the source marks) and the
 * same content as JSON for schema validation and binding. Locations are looked up on demand by
 * walking the node tree, so no per-node index is kept for large fleets.
 */
public record YamlDocument(String file, int index, Node root, JsonNode json) {

    /** Where the value at {@code path} starts; the nearest existing ancestor when it is absent. */
    public Location valueAt(PropertyPath path) {
        return locate(path, false);
    }

    /** Where the key of the property at {@code path} starts (for unknown or duplicate properties). */
    public Location keyAt(PropertyPath path) {
        return locate(path, true);
    }

    public Location start() {
        return mark(root.getStartMark());
    }

    /**
     * The scalar at {@code path} as written in the file (before YAML resolved it to a number or
     * boolean), so messages can quote what the user typed: {@code 0644}, not {@code 644}.
     */
    public Optional<String> sourceText(PropertyPath path) {
        Node node = root;
        for (Object segment : path.segments()) {
            Step next = step(node, segment);
            if (next == null) return Optional.empty();
            node = next.value();
        }
        return node instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }

    private Location locate(PropertyPath path, boolean wantKey) {
        Node node = root;
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
}
