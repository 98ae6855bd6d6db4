package dev.strata.delivery;

import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.Windows;
import dev.strata.spec.Rollout;
import dev.strata.state.FleetLockHolder;
import dev.strata.state.HistoryEntry;
import dev.strata.state.StateTransaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * FleetLock on the state store. pre-reboot grants a slot only to a machine the plan released for an
 * update, in a group that is not paused or halted, inside its group's windows, while the group's {@code maxUnavailable} and the machine's
 * disruption-budget bucket have room; it is recursive. Every decision and grant runs in the single
 * writer's transaction, so concurrent requests are decided one after the other against the holders
 * committed or granted before them, and a grant is on disk before its 200.
 */
final class FleetLockService implements FleetLock {
    static final String PRE_REBOOT = "pre-reboot";
    static final String STEADY_STATE = "steady-state";

    private final Core core;

    FleetLockService(Core core) {
        this.core = core;
    }

    @Override
    public Reply preReboot(String group, String machineId) {
        return handle(PRE_REBOOT, group, machineId);
    }

    @Override
    public Reply steadyState(String group, String machineId) {
        return handle(STEADY_STATE, group, machineId);
    }

    private Reply handle(String endpoint, String group, String machineId) {
        if (!Ids.machineId(machineId)) {
            return core.counted(endpoint, Reply.error(400, Kinds.INVALID_CLIENT_IDENTITY,
                    "client_params.id must be " + Ids.MACHINE_ID_RULE));
        }
        if (!Ids.group(group)) {
            return core.counted(endpoint, Reply.error(400, Kinds.INVALID_CLIENT_IDENTITY,
                    "client_params.group must be letters, digits, '.' and '-'"));
        }
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return core.counted(endpoint, Core.notReady());
        Optional<FleetIndex.Member> member = index.get().member(machineId);
        if (member.isEmpty()) {
            core.recordUnknown(machineId, endpoint);
            // steady-state must succeed for ids it does not know, or Zincati never starts.
            return core.counted(endpoint, endpoint.equals(STEADY_STATE) ? Reply.ok()
                    : Reply.error(404, Kinds.UNKNOWN_MACHINE, "no group lists machine " + machineId
                    + "; it is recorded for 'strata machines --unknown'"));
        }
        FleetIndex.Member m = member.get();
        if (!m.group().name().equals(group)) {
            return core.counted(endpoint, Reply.error(409, Kinds.UNKNOWN_GROUP, "machine " + machineId + " is in group '"
                    + m.group().name() + "', not '" + group + "'; set its FleetLock group (Zincati's identity group,"
                    + " the agent's STRATA_GROUP) to " + m.group().name()));
        }
        if (endpoint.equals(STEADY_STATE)) {
            return core.write(endpoint, tx -> {
                tx.releaseFleetLock(machineId);
                return Reply.ok();
            });
        }
        List<Runnable> notes = new ArrayList<>();
        Reply reply = core.write(endpoint, tx -> {
            notes.clear(); // the work may run twice (its batch failed); only the committed run's notes count
            return decide(tx, m, index.get(), notes);
        });
        notes.forEach(Runnable::run);
        return reply;
    }

    /** Runs in the writer's transaction: everything it reads includes the grants decided before it. */
    private Reply decide(StateTransaction tx, FleetIndex.Member m, FleetIndex index, List<Runnable> notes) {
        String id = m.id();
        if (tx.fleetLockHolder(id).isPresent()) return Reply.ok(); // recursive
        Instant now = core.clock.instant();
        FleetIndex.Group g = m.group();
        Optional<String> stopped = stopped(tx, g);
        if (stopped.isPresent()) return Reply.error(409, Kinds.PAUSED, stopped.get());
        MachineState s = tx.machine(id).orElse(MachineState.unknown(id));
        if (s.releasedDigest().isEmpty()) {
            return Reply.error(409, Kinds.NOT_RELEASED, "the plan has not released machine " + id + " for an update");
        }
        if (s.runs(s.releasedDigest().get())) {
            return Reply.error(409, Kinds.NOT_RELEASED, "machine " + id + " already runs the digest it was released for ("
                    + s.releasedDigest().get() + "); there is nothing to reboot into");
        }
        Rollout r = g.rollout();
        if (!Windows.isOpen(r, now) && !rollingBack(tx, g, s)) {
            return Reply.error(409, Kinds.OUTSIDE_WINDOW, "group " + g.name() + " is outside its maintenance windows at " + now
                    + Windows.nextOpening(r, now).map(t -> "; the next opens " + t).orElse(""));
        }
        List<FleetLockHolder> holders = tx.fleetLockHolders(g.name());
        markOverdue(tx, holders, index, now, notes, core.events);
        if (holders.size() >= g.slots()) {
            return Reply.error(409, Kinds.SLOTS_FULL, "all " + g.slots() + " reboot slot(s) of group " + g.name()
                    + " (maxUnavailable " + r.maxUnavailable() + ") are held; retry later");
        }
        if (r.disruptionBudget().isPresent()) {
            long inBucket = holders.stream().filter(h -> index.member(h.machineId())
                    .filter(o -> o.group() == g && o.bucket().equals(m.bucket())).isPresent()).count();
            int budget = g.budget(m.bucket());
            if (inBucket >= budget) {
                return Reply.error(409, Kinds.SLOTS_FULL, "the disruption budget of " + FleetIndex.describeBucket(g, m.bucket())
                        + " in group " + g.name() + " is used up (" + inBucket + " of " + budget + " rebooting); retry later");
            }
        }
        tx.grantFleetLock(FleetLockHolder.granted(g.name(), id, now));
        return Reply.ok();
    }

    /** Why a group gives no new slots: paused in its spec or by an operator, or halted by its failure policy. */
    private static Optional<String> stopped(StateTransaction tx, FleetIndex.Group g) {
        if (g.rollout().paused()) return Optional.of("group " + g.name() + " is paused in its spec (paused: true)");
        Optional<GroupState> state = tx.group(g.name());
        if (state.filter(GroupState::pausedByOperator).isPresent()) {
            return Optional.of("group " + g.name() + " is paused by an operator ('strata rollout resume " + g.name() + "' resumes it)");
        }
        if (state.filter(x -> x.status() == GroupState.Status.HALTED).isPresent()) {
            return Optional.of("group " + g.name() + " is halted by its failure policy; a person must look");
        }
        return Optional.empty();
    }

    /**
     * Released for the digest its group is rolling back to: a rollback ignores the windows (docs/concepts.md),
     * so its reboots do too; maxUnavailable and the disruption budget still count.
     */
    private static boolean rollingBack(StateTransaction tx, FleetIndex.Group g, MachineState s) {
        return tx.group(g.name()).filter(st -> st.status() == GroupState.Status.ROLLED_BACK
                && st.target().equals(s.releasedDigest())).isPresent();
    }

    /** Marks the group's holders that overstayed the update timeout as failed; they keep their slots. */
    static int markOverdue(StateTransaction tx, List<FleetLockHolder> holders, FleetIndex index, Instant now,
                           List<Runnable> notes, DeliveryEvents events) {
        int marked = 0;
        for (FleetLockHolder h : holders) {
            if (h.failed()) continue;
            var timeout = index.group(h.group()).map(g -> g.rollout().updateTimeout()).orElse(Rollout.DEFAULT_UPDATE_TIMEOUT);
            if (!Holders.overdue(h, tx.machine(h.machineId()), timeout, now)) continue;
            String why = Holders.why(h, timeout);
            if (tx.markFleetLockFailed(h.machineId(), now, why)) {
                tx.appendHistory(new HistoryEntry(now, index.view().revision(), "lock-failed", h.group(), h.machineId(), why));
                notes.add(() -> events.holderFailed(h.group(), h.machineId(), why));
                marked++;
            }
        }
        return marked;
    }
}
