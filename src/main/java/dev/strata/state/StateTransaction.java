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
}
