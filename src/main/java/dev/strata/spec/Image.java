package dev.strata.spec;

import java.util.List;
import java.util.Map;

/** A derived image: a base and ordered layers. Pushed to {@code <fleet registry>/<name>}. */
public record Image(String name, ImageSource from, Map<String, String> labels, List<Layer> layers, Origin origin) {
    public Image {
        labels = Maps.sortedCopy(labels);
        layers = List.copyOf(layers);
    }
}
