package dev.strata.load;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The text of one spec file, composed into node trees with marks only when a diagnostic first asks
 * for a position in it. A valid fleet never pays for this, and a large fleet does not hold every
 * document's node tree (several times the size of its text) for the whole validation.
 */
final class MarkedSource {
    private final String text;
    private final Supplier<LoadSettings> settings;
    private List<Node> roots;

    MarkedSource(String text, Supplier<LoadSettings> settings) {
        this.text = text;
        this.settings = settings;
    }

    /** The root of document {@code index} (0-based, empty documents counted), as first read. */
    synchronized Node root(int index) {
        if (roots == null) roots = composeAll();
        if (index < 0 || index >= roots.size()) throw new IllegalArgumentException("no document " + index);
        return roots.get(index);
    }

    /** Documents before a syntax error were read the first time, so they are kept here too. */
    private List<Node> composeAll() {
        List<Node> out = new ArrayList<>();
        try {
            for (Node root : new Compose(settings.get()).composeAllFromString(text)) out.add(root);
        } catch (YamlEngineException | StackOverflowError e) {
            // Reported by the first read; the documents before the problem are what can be located.
        }
        return out;
    }
}
