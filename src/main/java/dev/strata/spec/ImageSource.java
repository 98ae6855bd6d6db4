package dev.strata.spec;

/** What an Image is built {@code from}: a stream, another Image of the fleet, or a digest reference. */
public sealed interface ImageSource {
    record FromStream(String stream) implements ImageSource {
    }

    record FromImage(String image) implements ImageSource {
    }

    /** {@code REPO@sha256:...}. */
    record FromRef(String ref) implements ImageSource {
    }
}
