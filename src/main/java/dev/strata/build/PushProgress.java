package dev.strata.build;

import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.progress.Allocation;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns jib-core's progress events for one build into {@link BuildProgress} values: every allocation jib
 * names {@code pushing blob <digest>} is one blob, its units are its bytes. A blob jib finds already in
 * the registry counts as pushed at once (jib completes its allocation). jib calls from several threads.
 */
final class PushProgress implements Consumer<ProgressEvent> {
    private static final String PUSHING_BLOB = "pushing blob ";

    private final Consumer<BuildProgress> listener;
    private final Map<Allocation, long[]> blobs = new IdentityHashMap<>(); // allocation -> {done, total}
    private BuildProgress last;

    PushProgress(BuildProgress start, Consumer<BuildProgress> listener) {
        this.last = start;
        this.listener = listener;
    }

    @Override
    public void accept(ProgressEvent e) {
        Allocation a = e.getAllocation();
        if (!a.getDescription().startsWith(PUSHING_BLOB)) return;
        synchronized (this) {
            long[] b = blobs.computeIfAbsent(a, x -> new long[]{0, a.getAllocationUnits()});
            b[0] += e.getUnits();
            int done = 0;
            long bytes = 0;
            long total = 0;
            for (long[] v : blobs.values()) {
                if (v[0] >= v[1]) done++;
                bytes += v[0];
                total += v[1];
            }
            last = last.pushing(done, blobs.size(), bytes, total);
            listener.accept(last); // in order: a display never goes back
        }
    }

    synchronized BuildProgress last() {
        return last;
    }
}
