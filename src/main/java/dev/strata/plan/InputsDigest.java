package dev.strata.plan;

import java.util.List;

/**
 * An image's inputs digest and what went into it, so a plan can say why an image rebuilds:
 * the base digest, and per layer a digest of its entries (named so a preview can list changed files).
 */
public record InputsDigest(String image, String digest, String baseDigest, List<LayerDigest> layers) {
    public InputsDigest {
        layers = List.copyOf(layers);
    }

    /** One layer's digest and the digest of each entry in it, keyed by the entry's path in the image. */
    public record LayerDigest(String name, String digest, java.util.Map<String, String> entries) {
        public LayerDigest {
            entries = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(entries));
        }
    }
}
