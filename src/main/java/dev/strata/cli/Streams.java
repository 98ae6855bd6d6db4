package dev.strata.cli;

import dev.strata.reconcile.StreamSource;

/** Chooses how streams resolve for a run. Registry resolution plugs in here. */
final class Streams {
    private Streams() {
    }

    static StreamSource forRun(RepoOptions options) {
        return StreamSource.offline();
    }
}
