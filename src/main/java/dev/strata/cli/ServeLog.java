package dev.strata.cli;

import dev.strata.delivery.DeliveryEvents;
import dev.strata.serve.ReconcileRun;
import dev.strata.serve.ServeListener;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * {@code strata serve}'s log: one line per event on stderr, each starting with the UTC time. What the
 * packages report never holds a token, a webhook secret or the path prefix; this adds none.
 */
final class ServeLog implements ServeListener, DeliveryEvents {
    private final PrintWriter err;
    private final Clock clock;
    private final boolean debug;

    ServeLog(PrintWriter err, Clock clock) {
        this.err = err;
        this.clock = clock;
        String d = System.getenv("STRATA_DEBUG");
        this.debug = d != null && !d.isEmpty() && !d.equals("0");
    }

    void line(String text) {
        synchronized (err) {
            err.println(clock.instant().truncatedTo(ChronoUnit.MILLIS) + " " + text);
            err.flush();
        }
    }

    @Override
    public void reconciled(ReconcileRun run) {
        line(String.format(Locale.ROOT, "reconcile (%s) %s in %.3fs: %s", run.trigger(), run.outcome().result().label(),
                run.took().toNanos() / 1e9, run.outcome().summary()));
    }

    @Override
    public void internalError(String route, Exception error) {
        line("error: " + route + ": " + error);
        if (debug) {
            synchronized (err) {
                error.printStackTrace(err);
                err.flush();
            }
        }
    }

    @Override
    public void abandoned(int requests) {
        line("stopping: " + requests + " request(s) still in flight after the grace period; closing their connections");
    }

    @Override
    public void storeFailed(Throwable failure) {
        line("error: state store write failed: " + failure);
    }

    @Override
    public void holderFailed(String group, String machineId, String why) {
        line("FleetLock holder " + machineId + " of group " + group + " marked failed: " + why
                + " (it keeps its slot until a person releases it)");
    }

    @Override
    public void unorderedRollback(String group, String machineId, String why) {
        line("machine " + machineId + " of group " + group + " rolled back without an order: " + why);
    }
}
