package dev.strata.build;

import dev.strata.registry.BaseBlobs;
import dev.strata.registry.ImageLookup;
import dev.strata.registry.RegistryFailure;
import dev.strata.registry.Repository;

import java.util.function.Consumer;

/**
 * The step before jib: every base layer put into the target repository (mounted in the same registry,
 * streamed from another; see {@link BaseBlobs}), so that jib finds them there and moves none of them.
 * Reports progress as layers land; says in the log when a layer had to be copied.
 */
final class PlaceBase {
    private final BaseBlobs blobs;
    private final Consumer<BuildProgress> progress;
    private final Consumer<String> log;

    PlaceBase(BaseBlobs blobs, Consumer<BuildProgress> progress, Consumer<String> log) {
        this.blobs = blobs;
        this.progress = progress;
        this.log = log;
    }

    /** Places {@code base}'s layers (pulled from {@code from}) into {@code target}; returns the progress reached. */
    BuildProgress place(String image, Repository from, ImageLookup.Image base, Repository target)
            throws BuildFailure, InterruptedException {
        BuildProgress[] last = {BuildProgress.checking(image).withBase(0, base.layers().size(), 0)};
        progress.accept(last[0]);
        try {
            BaseBlobs.Placed placed = blobs.place(from, base.layers(), target, (done, total, copied) -> {
                synchronized (last) { // called from several threads; a display never goes back
                    if (done < last[0].baseLayers()) return;
                    last[0] = last[0].withBase(done, total, copied);
                    progress.accept(last[0]);
                }
            });
            if (placed.copied() > 0) {
                log.accept(image + ": copied " + placed.copied() + " of " + placed.layers() + " base layers ("
                        + placed.bytesCopied() + " bytes) from " + from.name() + " into " + target.name());
            }
            synchronized (last) {
                return last[0];
            }
        } catch (RegistryFailure f) {
            throw new BuildFailure("cannot push image " + image + " to repository " + target.path() + " on registry "
                    + target.host() + ": " + f.getMessage());
        }
    }
}
