package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The text of one spec file, composed into node trees with marks only when a diagnostic first asks
 * for a position in it. Files are read without marks and without node trees (see {@link EventConverter});
 * a valid fleet never pays for them, and a large fleet does not hold every document's node tree
 * (several times the size of its text) for the whole validation.
 */
final class MarkedSource {
    private final String text;
    private final Supplier<LoadSettings> settings;
    private final IntFunction<JsonNode> json;
    private final List<Node> roots = new ArrayList<>();
    private Iterator<Node> documents;

    /** @param json reads the JSON of a document again from the text, as the first read did */
    MarkedSource(String text, Supplier<LoadSettings> settings, IntFunction<JsonNode> json) {
        this.text = text;
        this.settings = settings;
        this.json = json;
    }

    /** The JSON of document {@code index}, read again from the text. */
    JsonNode json(int index) {
        return json.apply(index);
    }

    /** The root of document {@code index} (0-based, empty documents counted); empty if it does not compose. */
    synchronized Optional<Node> root(int index) {
        if (documents == null) documents = new Compose(settings.get()).composeAllFromString(text).iterator();
        try {
            // Only as far as needed: documents after a problem may be slow or impossible to compose.
            while (roots.size() <= index && documents.hasNext()) roots.add(documents.next());
        } catch (YamlEngineException | StackOverflowError e) {
            documents = Collections.emptyIterator(); // reported by the first read
        }
        return index >= 0 && index < roots.size() ? Optional.of(roots.get(index)) : Optional.empty();
    }
}
