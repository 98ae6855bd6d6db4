package dev.strata.reconcile;

import dev.strata.delivery.DesiredView;
import dev.strata.plan.Action;
import dev.strata.plan.Desired;
import dev.strata.plan.GroupState;
import dev.strata.plan.Plan;
import dev.strata.plan.StreamResolution;
import dev.strata.source.SourceException;
import dev.strata.spec.FleetSpec;
import dev.strata.state.RunLock;
import dev.strata.state.RunLockedException;
import dev.strata.state.StateSnapshot;
import dev.strata.state.StateStore;
import dev.strata.state.StateStoreException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One reconcile: fetch, read the fleet at the ref, plan, and carry out the plan just made, all under the
 * run lock of the state store, so a scheduled {@code strata reconcile} and a {@code strata serve} on the
 * same host take turns. Built once and called again and again (serve's timer and webhook) or once (the
 * command); never prints, and comes back with a {@link ReconcileResult}.
 *
 * <p>Cheap when nothing changed: the validated revision is kept by commit id, so a run at the same
 * commit reads no YAML, and the inputs digests are kept while the commit and the stream digests stay
 * the same. A run reads the state and plans every time, because time (windows, bake times, timeouts)
 * and machine reports move without a commit. Specs that do not validate at a new commit leave the last
 * good revision {@link #inForce() in force}.
 *
 * <p>Every run fetches a remote first, under the run lock, so two strata runs never fetch into the same
 * cached clone at once (open the source with {@code GitSource.openWithoutFetching}). Runs of one
 * reconciler never overlap.
 */
public final class Reconciler {
    /**
     * @param ref      the branch, tag or commit to follow (HEAD when empty)
     * @param lockWait how long to wait for another run to release the run lock
     * @param command  what this run is, shown to whoever finds the lock held
     * @param registry where images are pushed instead of the Fleet's registry (--registry), for delivery's view
     */
    public record Settings(Optional<String> ref, Duration lockWait, String command, Optional<String> registry) {
        public static Settings defaults() {
            return new Settings(Optional.empty(), Duration.ofSeconds(10), "strata reconcile", Optional.empty());
        }
    }

    private final FleetSource source;
    private final StateStore store;
    private final StreamSource streams;
    private final BuildExecutor.Factory builders;
    private final Settings settings;

    /** The last commit read, valid or not, so a run at the same commit reads nothing again. */
    private Optional<Revision> lastRead = Optional.empty();
    /** The desired state of the revision in force, and the stream digests its inputs were computed on. */
    private Optional<Desired> desired = Optional.empty();
    private Map<String, String> desiredOn = Map.of();
    private volatile Optional<DesiredView> inForce = Optional.empty();

    public Reconciler(FleetSource source, StateStore store, StreamSource streams, BuildExecutor.Factory builders,
                      Settings settings) {
        this.source = source;
        this.store = store;
        this.streams = streams;
        this.builders = builders;
        this.settings = settings;
    }

    /**
     * The newest revision whose specs validated, as delivery serves from it; empty until one did. The same
     * view comes back until another revision validates, so delivery indexes each one once. Safe from any thread.
     */
    public Optional<DesiredView> inForce() {
        return inForce;
    }

    /**
     * The full name of the ref this reconciler follows as a push names it ({@code refs/heads/main}), read
     * now (HEAD may have moved to another branch); empty when it follows a commit, which no push moves.
     */
    public Optional<String> followedRef() throws IOException {
        return source.pushedRef(settings.ref());
    }

    public ReconcileResult reconcile(Instant now) {
        return reconcile(now, Applier.Listener.NONE);
    }

    /** One reconcile as of {@code now}; {@code listener} hears of each action as soon as it is carried out. */
    public synchronized ReconcileResult reconcile(Instant now, Applier.Listener listener) {
        long started = System.nanoTime();
        Run run = new Run(now, started);
        try (RunLock lock = store.acquireRunLock(settings.command(), settings.lockWait())) {
            lock.clearedStale().ifPresent(h -> run.notes.add("cleared a stale run lock of " + h.describe()));
            return run.go(listener);
        } catch (RunLockedException e) {
            return new ReconcileResult.Locked(e.getMessage(), now, run.took());
        } catch (StateStoreException e) {
            return run.failed(ReconcileResult.Stage.STATE, "state " + store.location() + ": " + e.getMessage(), Optional.empty());
        }
    }

    /** What one run has gathered so far. */
    private final class Run {
        final Instant now;
        final long started;
        final List<String> notes = new ArrayList<>();

        Run(Instant now, long started) {
            this.now = now;
            this.started = started;
        }

        Duration took() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        ReconcileResult failed(ReconcileResult.Stage stage, String message, Optional<String> revision) {
            return new ReconcileResult.Failed(stage, message, revision, now, took());
        }

        ReconcileResult go(Applier.Listener listener) {
            try {
                source.git().fetch();
            } catch (SourceException e) {
                return failed(ReconcileResult.Stage.FETCH, e.getMessage(), Optional.empty());
            }
            Revision rev;
            try {
                rev = read();
            } catch (IOException e) {
                return failed(ReconcileResult.Stage.READ, e.getMessage(), Optional.empty());
            }
            Optional<FleetSpec> fleet = rev.validation().fleet();
            if (fleet.isEmpty()) {
                return new ReconcileResult.Invalid(rev.revision(), rev.validation(), inForce.map(DesiredView::revision), now, took());
            }
            if (!inForce.map(v -> v.revision().equals(rev.revision()) && v.fleet() == fleet.get()).orElse(false)) {
                inForce = Optional.of(DesiredView.of(rev.revision(), fleet.get(), settings.registry()));
            }

            StateSnapshot state = store.snapshot();
            StreamSource.Resolved resolved = streams.resolve(fleet.get(), Planning.recorded(Optional.of(state)));
            notes.addAll(resolved.notes());
            Desired d;
            try {
                d = desired(rev, resolved.streams());
            } catch (IOException | InvalidSpecsException e) {
                return failed(ReconcileResult.Stage.READ, e.getMessage(), Optional.of(rev.revision()));
            }
            Planning.Result planned = Planning.plan(d, resolved, Optional.of(state), now);
            Planning.recordStreams(planned, store, now);
            if (!needsApply(planned.plan(), state)) {
                return new ReconcileResult.Reconciled(rev.revision(), planned.plan(), List.of(), notes, now, took());
            }
            BuildExecutor executor = builders.forRevision(rev, fleet.get());
            Applier applier = new Applier(store, Optional.of(executor));
            try {
                return applied(rev, planned.plan(), applier.apply(planned.plan(), d, now, listener));
            } catch (StalePlanException first) {
                // The run lock keeps other reconcilers out, but not every writer: plan once more on what is there now.
                Planning.Result again = Planning.plan(d, resolved, Optional.of(store.snapshot()), now);
                try {
                    return applied(rev, again.plan(), applier.apply(again.plan(), d, now, listener));
                } catch (StalePlanException second) {
                    return failed(ReconcileResult.Stage.APPLY, "the rollout state kept changing while this run applied its"
                            + " plan (" + second.getMessage() + "); the next run plans again", Optional.of(rev.revision()));
                }
            } finally {
                closeQuietly(executor); // a builder keeps registry connections open for the run
            }
        }

        private ReconcileResult applied(Revision rev, Plan plan, Applier.Outcome outcome) {
            return new ReconcileResult.Reconciled(rev.revision(), plan, outcome.steps(), notes, now, took());
        }
    }

    /** The fleet at the ref: the one read last when the commit has not moved (never for --worktree). */
    private Revision read() throws IOException {
        if (lastRead.isPresent() && !source.worktree()
                && lastRead.get().revision().equals(source.commitId(settings.ref()))) {
            return lastRead.get();
        }
        Revision rev = source.read(settings.ref());
        lastRead = Optional.of(rev);
        return rev;
    }

    /** Inputs digests hash every carried file: computed again only when the revision or a stream digest moved. */
    private Desired desired(Revision rev, Map<String, StreamResolution> resolved) throws IOException, InvalidSpecsException {
        Map<String, String> on = new TreeMap<>();
        resolved.forEach((name, r) -> on.put(name, r.digest()));
        if (desired.isPresent() && desired.get().revision().equals(rev.revision()) && desiredOn.equals(on) && !source.worktree()) {
            return desired.get();
        }
        Desired d = Planning.desired(rev, resolved);
        desired = Optional.of(d);
        desiredOn = on;
        return d;
    }

    /** Only builds, promotions, rollbacks and a new halt write anything; a group already halted stays as it is. */
    private static boolean needsApply(Plan plan, StateSnapshot state) {
        for (Action a : plan.actions()) {
            if (!Applier.changesState(a)) continue;
            if (a instanceof Action.Hold h && state.groups().containsKey(h.group())
                    && state.groups().get(h.group()).status() == GroupState.Status.HALTED) continue;
            return true;
        }
        return false;
    }

    private static void closeQuietly(BuildExecutor executor) {
        if (!(executor instanceof AutoCloseable c)) return;
        try {
            c.close();
        } catch (Exception e) {
            // Closing idle registry connections; nothing to report.
        }
    }
}
