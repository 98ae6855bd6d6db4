package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.spec.Rollout;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.StateStore;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Delivery to machines: FleetLock and the agent's endpoints on one state store, with one writer thread
 * that group-commits their writes (docs/delivery.md). {@code serve} makes one, hands {@link #fleetLock()}
 * and {@link #machines()} to its HTTP handlers, reads {@link #stats()} for {@code /metrics}, calls
 * {@link #markOverdueHolders()} now and then, and closes it on shutdown (queued writes are committed first).
 *
 * <p>{@code views} gives the current {@link DesiredView}; empty before the first reconcile, when every
 * call answers {@code 503 not_ready}. It is called on every request, so it should be cheap (a field read);
 * delivery indexes each new view once.
 */
public final class Delivery implements AutoCloseable {
    private final Core core;
    private final FleetLockService fleetLock;
    private final MachineService machines;
    private final GraphService graph;

    public Delivery(StateStore store, Clock clock, Supplier<Optional<DesiredView>> views) {
        this(store, clock, views, DeliveryEvents.NONE);
    }

    public Delivery(StateStore store, Clock clock, Supplier<Optional<DesiredView>> views, DeliveryEvents events) {
        this.core = new Core(store, clock, views, events);
        this.fleetLock = new FleetLockService(core);
        this.machines = new MachineService(core);
        this.graph = new GraphService(core);
    }

    /** The Cincinnati update graph Zincati polls (docs/zincati.md). */
    public GraphEndpoint graph() {
        return graph;
    }

    /**
     * Writes the graph polls queued so far (normally written a few times a second), so a reconcile about
     * to plan sees what machines said they booted.
     */
    public void flushGraphPolls() {
        graph.flush();
    }

    /** Machines by what their last graph poll since start said they booted: a release, a stock base, or a payload Strata never published. */
    public Map<dev.strata.state.GraphPoll.Kind, Long> graphPolls() {
        return graph.pollKinds();
    }

    public FleetLock fleetLock() {
        return fleetLock;
    }

    public MachineEndpoints machines() {
        return machines;
    }

    /**
     * Marks every holder that overstayed its group's update timeout as failed (each with a history entry);
     * they keep their slots. Returns how many were marked. pre-reboot does the same for its group.
     */
    public int markOverdueHolders() {
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return 0;
        List<Runnable> notes = new java.util.ArrayList<>();
        try {
            int marked = core.queue.submit(tx -> {
                notes.clear();
                return FleetLockService.markOverdue(tx, tx.fleetLockHolders(), index.get(), core.clock.instant(), notes,
                        core.events);
            }).get();
            notes.forEach(Runnable::run);
            return marked;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            return 0; // already reported to the events
        }
    }

    public DeliveryStats stats() {
        Optional<FleetIndex> index = core.index();
        Instant now = core.clock.instant();
        Map<String, int[]> counts = new HashMap<>();
        index.ifPresent(i -> i.groups().forEach((name, g) -> counts.put(name, new int[] {g.slots(), 0, 0})));
        long unknown = core.store.read(r -> {
            List<FleetLockHolder> holders = r.fleetLockHolders();
            for (FleetLockHolder h : holders) {
                int[] c = counts.computeIfAbsent(h.group(), k -> new int[3]);
                c[1]++;
                Optional<Rollout> rollout = index.flatMap(i -> i.group(h.group())).map(g -> g.rollout());
                Optional<MachineState> m = r.machine(h.machineId());
                if (Holders.failed(h, m, rollout, now)) c[2]++;
            }
            return r.unknownMachineCount();
        });
        Map<String, DeliveryStats.GroupLocks> groups = new HashMap<>();
        counts.forEach((g, c) -> groups.put(g, new DeliveryStats.GroupLocks(c[0], c[1], c[2])));
        return new DeliveryStats(groups, unknown, core.reportsAccepted.get(), core.replies(), core.queue.batches(),
                core.queue.jobs(), graph.unknownPayloads());
    }

    /** Commits the writes already queued, then stops; later calls answer {@code 503 shutting_down}. */
    @Override
    public void close() {
        graph.close();
        core.queue.close();
    }
}
