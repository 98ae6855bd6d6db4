package dev.strata.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.InputsDigest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stored form of an image's inputs: explicit JSON, so the schema never depends on record internals. */
final class InputsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InputsJson() {
    }

    static String write(InputsDigest in) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", in.image());
        o.put("digest", in.digest());
        o.put("base", in.baseDigest());
        var layers = o.putArray("layers");
        for (InputsDigest.LayerDigest l : in.layers()) {
            ObjectNode lo = layers.addObject();
            lo.put("name", l.name());
            lo.put("digest", l.digest());
            ObjectNode entries = lo.putObject("entries");
            l.entries().forEach(entries::put);
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static InputsDigest read(String text) {
        try {
            JsonNode o = JSON.readTree(text);
            List<InputsDigest.LayerDigest> layers = new ArrayList<>();
            for (JsonNode l : o.path("layers")) {
                Map<String, String> entries = new LinkedHashMap<>();
                l.path("entries").fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
                layers.add(new InputsDigest.LayerDigest(l.path("name").asText(), l.path("digest").asText(), entries));
            }
            return new InputsDigest(o.path("image").asText(), o.path("digest").asText(), o.path("base").asText(), layers);
        } catch (JsonProcessingException e) {
            throw new StateStoreException("stored inputs are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
