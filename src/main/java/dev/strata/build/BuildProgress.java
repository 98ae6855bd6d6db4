package dev.strata.build;

/**
 * How far one image's build has got, for a progress display: sent at each step and as bytes move,
 * each value replacing the last. Names images and counts, never a credential.
 *
 * @param baseLayers base layers put into the target repository so far, of {@code baseLayersTotal}
 *     (mounted, found, or copied from another registry; {@code baseBytesCopied} counts the copies)
 * @param blobs new blobs (the spec's layers and the image config) pushed so far, of {@code blobsTotal}
 *     (known once jib has built them); {@code bytesPushed} of {@code bytesTotal}
 */
public record BuildProgress(String image, Step step, int baseLayers, int baseLayersTotal, long baseBytesCopied,
                            int blobs, int blobsTotal, long bytesPushed, long bytesTotal) {
    public enum Step {
        /** Asking the registries: is it pushed already, what is the base. */
        CHECKING,
        /** Putting the base's layers into the target repository. */
        PLACING_BASE,
        /** jib builds the new layers and pushes them, the config and the manifest. */
        PUSHING
    }

    public static BuildProgress checking(String image) {
        return new BuildProgress(image, Step.CHECKING, 0, 0, 0, 0, 0, 0, 0);
    }

    BuildProgress withBase(int done, int total, long copied) {
        return new BuildProgress(image, Step.PLACING_BASE, done, total, copied, blobs, blobsTotal, bytesPushed, bytesTotal);
    }

    BuildProgress pushing(int blobs, int blobsTotal, long bytesPushed, long bytesTotal) {
        return new BuildProgress(image, Step.PUSHING, baseLayers, baseLayersTotal, baseBytesCopied, blobs, blobsTotal,
                bytesPushed, bytesTotal);
    }
}
