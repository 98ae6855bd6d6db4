package dev.strata.build;

/** A build that could not be done; the message names the image, and the registry and repository involved. */
public final class BuildFailure extends Exception {
    public BuildFailure(String message) {
        super(message, null, false, false);
    }
}
