package dev.strata.spec;

import java.util.List;
import java.util.Map;

/**
 * A derived image: a base and ordered layers. Pushed to {@code <fleet registry>/<name>}. {@code platforms}
 * ({@code os/arch[/variant]}, in spec order) makes it a multi-arch image, one image per platform under an
 * OCI image index; empty means today's single image of the base's default platform.
 */
public record Image(String name, ImageSource from, Map<String, String> labels, List<Layer> layers,
                    List<String> platforms, Origin origin) {
    public Image {
        labels = Maps.sortedCopy(labels);
        layers = List.copyOf(layers);
        platforms = List.copyOf(platforms);
    }

    /** A single-platform image. */
    public Image(String name, ImageSource from, Map<String, String> labels, List<Layer> layers, Origin origin) {
        this(name, from, labels, layers, List.of(), origin);
    }

    public boolean multiArch() {
        return !platforms.isEmpty();
    }
}
