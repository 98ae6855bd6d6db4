package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.StreamResolution;

import java.time.Instant;

/**
 * Reads and writes inside one transaction: all of them take effect together when the transaction
 * commits, or none does. History can only be appended to; nothing here changes or removes an entry.
 */
public interface StateTransaction extends StateReader {
    /** Records a pushed image, replacing an earlier build of the same inputs digest. */
    void recordBuild(Build build);

    /** Records the package list of a recorded build (replacing an earlier one), in the build's transaction. */
    void recordPackages(String inputsDigest, dev.strata.plan.Packages packages);

    /** Records the inputs an image was just built from; replaces the image's earlier record. */
    void recordInputs(InputsDigest inputs, java.time.Instant recordedAt);

    /** Saves a group's rollout, replacing what was saved for it before. */
    void saveGroup(GroupState group);

    /**
     * Saves one wave's progress, replacing the earlier record of the same group, target and wave.
     * The group must have been saved first.
     */
    void saveWave(WaveProgress wave);

    /** Removes a group's rollout, waves and approvals, for a group gone from the fleet. Its history stays. */
    void forgetGroup(String group);

    /**
     * Records an approval. The first approval of a digest for a group stands: returns false, and
     * changes nothing, when the digest was already approved.
     */
    boolean recordApproval(Approval approval);

    /** Saves what a machine reported, replacing its earlier record. */
    void recordMachine(MachineState machine);

    /** Removes a machine's record, for a machine gone from the fleet. */
    void forgetMachine(String id);

    /**
     * Records what a stream resolved to. A resolution that itself came from the store ({@code RECORDED},
     * an offline run) changes nothing, so an old digest never looks freshly resolved.
     */
    void recordStream(StreamResolution resolution, Instant resolvedAt);

    /** Appends a history entry; returns its sequence number, which only grows. */
    long appendHistory(HistoryEntry entry);

    // Delivery (docs/delivery.md)

    /** Records a FleetLock grant. Refuses ({@link StateStoreException}) when the machine already holds a slot. */
    void grantFleetLock(FleetLockHolder holder);

    /** Releases the slot a machine holds; false when it held none. */
    boolean releaseFleetLock(String machineId);

    /** Marks a holder failed, keeping its slot; false when the machine holds no slot or it is marked already. */
    boolean markFleetLockFailed(String machineId, Instant at, String failure);

    /** Records the hash of a machine's new token, replacing (and so revoking) the one before. */
    void recordMachineToken(MachineToken token);

    /** Removes a machine's token, so no token works for it; false when it had none. */
    boolean forgetMachineToken(String machineId);

    /**
     * Counts a call from an id no group lists, at {@code at}, to {@code endpoint}. A new id is left out, and
     * false returned, once {@code limit} ids are recorded, so a flood of made-up ids cannot grow the file.
     */
    boolean recordUnknownMachine(String id, String endpoint, Instant at, long limit);

    /** Removes an id from the unknown list (it was enrolled); false when it was not there. */
    boolean forgetUnknownMachine(String id);

    /** Saves a machine's rollback deployment and whether it rolled back on its own; its other fields stay. */
    void recordMachineRollback(MachineRollback rollback);

    // Zincati (docs/zincati.md)

    /**
     * Records a group's next release. Refuses ({@link StateStoreException}) an age index that is not one
     * above the group's newest: releases only move forward. Releases are never changed or removed, except
     * that one can be marked a dead end.
     */
    void recordRelease(dev.strata.plan.Release release);

    /** Marks a release a dead end; false when there is no such release or it is one already. */
    boolean markReleaseDeadEnd(String group, long ageIndex, String reason);

    /** Records a machine's poll of the update graph, replacing its previous one. */
    void recordGraphPoll(GraphPoll poll);

    /**
     * Records a poll and sets the machine's booted digest and last report from it; booted-since moves only
     * when the booted digest changed. The machine's other fields stay.
     */
    void recordGraphPoll(GraphPoll poll, String booted);

    /** {@link #recordGraphPoll(GraphPoll, String)} for many polls, {@code booted.get(i)} for {@code polls.get(i)}. */
    void recordGraphPolls(java.util.List<GraphPoll> polls, java.util.List<String> booted);
}
