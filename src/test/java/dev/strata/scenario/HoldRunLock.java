package dev.strata.scenario;

import dev.strata.state.RunLock;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A child process for {@link ConcurrentApplyTest}: {@code HoldRunLock STATE MILLIS} takes the run lock
 * of STATE, prints {@code locked}, holds it for MILLIS and exits, as a long apply would.
 */
public final class HoldRunLock {
    private HoldRunLock() {
    }

    public static void main(String[] args) throws Exception {
        try (StateStore store = SqliteStateStore.open(Path.of(args[0]));
             RunLock lock = store.acquireRunLock("strata apply (test holder)", Duration.ZERO)) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.parseLong(args[1]));
        }
    }
}
