package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.StreamResolution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Strata's state: builds, group rollouts and their waves, approvals, machine reports, stream
 * resolutions, and the append-only history of applied actions; plus the run lock that lets one
 * reconcile or apply run at a time.
 *
 * <p>Every read and write method called on the store runs in a transaction of its own. To write several
 * things atomically, call {@link #update} or {@link #transaction} and use the {@link StateTransaction}
 * it passes; calling the store itself from inside that work is an error. Failures are
 * {@link StateStoreException}s, and a transaction that throws leaves nothing behind.
 *
 * <p>{@link SqliteStateStore} is the embedded implementation; a server database (PostgreSQL) can
 * implement the same interface, taking the run lock with a database lock instead of a file lock.
 */
public interface StateStore extends StateTransaction, AutoCloseable {

    /** Runs {@code work} in one read transaction: it sees one consistent state. */
    <T> T read(Function<? super StateReader, T> work);

    /** Runs {@code work} in one write transaction, committed when it returns and rolled back when it throws. */
    <T> T transaction(Function<? super StateTransaction, T> work);

    /** {@link #transaction} for work that returns nothing. */
    default void update(Consumer<? super StateTransaction> work) {
        transaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** Everything, read in one transaction, with its fingerprint. */
    default StateSnapshot snapshot() {
        return read(StateSnapshot::of);
    }

    /**
     * Takes the run lock, waiting up to {@code wait} for another run to release it ({@link Duration#ZERO}
     * fails at once). A lock left by a run that died is detected and cleared; {@link RunLock#clearedStale()}
     * says so.
     *
     * @param command what this run is doing, shown to whoever finds the lock held (e.g. "strata apply")
     * @throws RunLockedException when another run still holds it; the message names the holder
     */
    RunLock acquireRunLock(String command, Duration wait) throws RunLockedException;

    /**
     * The holder recorded for the run lock, if any. The record can outlive a run that died; the next
     * {@link #acquireRunLock} clears it.
     */
    Optional<LockHolder> runLockHolder();

    /**
     * Breaks the run lock by hand and returns the holder it removed. Refuses (with a
     * {@link StateStoreException}) when the holder is a process on this host that is still running,
     * and when this process holds the lock. See the implementation for what else it does and when that
     * is safe.
     */
    Optional<LockHolder> breakRunLock();

    /**
     * A number that changes whenever another process (or another store on the same file) has committed a
     * write since it was last read; empty when the store cannot tell, and then readers that cache must
     * re-read on a timer. Writes through this store do not change it. Cheap: no table is read.
     */
    default java.util.OptionalLong externalChanges() {
        return java.util.OptionalLong.empty();
    }

    /** The schema version of the opened state. */
    int schemaVersion();

    /** Where the state is, for messages: a file path, or a database URL without credentials. */
    String location();

    @Override
    void close();

    // Each read and write below in a transaction of its own.

    @Override
    default Map<String, Build> builds() {
        return read(StateReader::builds);
    }

    @Override
    default Optional<Build> build(String inputsDigest) {
        return read(r -> r.build(inputsDigest));
    }

    @Override
    default Optional<dev.strata.plan.Packages> packages(String inputsDigest) {
        return read(r -> r.packages(inputsDigest));
    }

    @Override
    default java.util.List<dev.strata.plan.PackageDelta> packageDeltas() {
        return read(StateReader::packageDeltas);
    }

    @Override
    default Map<String, GroupState> groups() {
        return read(StateReader::groups);
    }

    @Override
    default Optional<GroupState> group(String name) {
        return read(r -> r.group(name));
    }

    @Override
    default List<WaveProgress> waves() {
        return read(StateReader::waves);
    }

    @Override
    default List<WaveProgress> waves(String group) {
        return read(r -> r.waves(group));
    }

    @Override
    default List<Approval> approvals() {
        return read(StateReader::approvals);
    }

    @Override
    default Optional<Approval> approval(String group, String digest) {
        return read(r -> r.approval(group, digest));
    }

    @Override
    default Map<String, MachineState> machines() {
        return read(StateReader::machines);
    }

    @Override
    default Optional<MachineState> machine(String id) {
        return read(r -> r.machine(id));
    }

    @Override
    default Map<String, RecordedStream> recordedStreams() {
        return read(StateReader::recordedStreams);
    }

    @Override
    default List<HistoryEntry> history(Optional<String> subject, int limit) {
        return read(r -> r.history(subject, limit));
    }

    @Override
    default String fingerprint() {
        return read(StateReader::fingerprint);
    }

    @Override
    default void recordBuild(Build build) {
        update(tx -> tx.recordBuild(build));
    }

    @Override
    default void recordPackages(String inputsDigest, dev.strata.plan.Packages packages) {
        update(tx -> tx.recordPackages(inputsDigest, packages));
    }

    @Override
    default void recordInputs(InputsDigest inputs, java.time.Instant recordedAt) {
        update(tx -> tx.recordInputs(inputs, recordedAt));
    }

    @Override
    default Map<String, InputsDigest> builtInputs() {
        return read(StateReader::builtInputs);
    }

    @Override
    default void saveGroup(GroupState group) {
        update(tx -> tx.saveGroup(group));
    }

    @Override
    default void saveWave(WaveProgress wave) {
        update(tx -> tx.saveWave(wave));
    }

    @Override
    default void forgetGroup(String group) {
        update(tx -> tx.forgetGroup(group));
    }

    @Override
    default boolean recordApproval(Approval approval) {
        return transaction(tx -> tx.recordApproval(approval));
    }

    @Override
    default void recordMachine(MachineState machine) {
        update(tx -> tx.recordMachine(machine));
    }

    @Override
    default void forgetMachine(String id) {
        update(tx -> tx.forgetMachine(id));
    }

    @Override
    default void recordStream(StreamResolution resolution, Instant resolvedAt) {
        update(tx -> tx.recordStream(resolution, resolvedAt));
    }

    @Override
    default long appendHistory(HistoryEntry entry) {
        return transaction(tx -> tx.appendHistory(entry));
    }

    @Override
    default List<FleetLockHolder> fleetLockHolders() {
        return read(StateReader::fleetLockHolders);
    }

    @Override
    default List<FleetLockHolder> fleetLockHolders(String group) {
        return read(r -> r.fleetLockHolders(group));
    }

    @Override
    default Optional<FleetLockHolder> fleetLockHolder(String machineId) {
        return read(r -> r.fleetLockHolder(machineId));
    }

    @Override
    default Optional<MachineToken> machineToken(String machineId) {
        return read(r -> r.machineToken(machineId));
    }

    @Override
    default List<UnknownMachine> unknownMachines() {
        return read(StateReader::unknownMachines);
    }

    @Override
    default long unknownMachineCount() {
        return read(StateReader::unknownMachineCount);
    }

    @Override
    default Optional<MachineRollback> machineRollback(String id) {
        return read(r -> r.machineRollback(id));
    }

    @Override
    default Map<String, MachineRollback> machineRollbacks() {
        return read(StateReader::machineRollbacks);
    }

    @Override
    default void grantFleetLock(FleetLockHolder holder) {
        update(tx -> tx.grantFleetLock(holder));
    }

    @Override
    default boolean releaseFleetLock(String machineId) {
        return transaction(tx -> tx.releaseFleetLock(machineId));
    }

    @Override
    default boolean markFleetLockFailed(String machineId, Instant at, String failure) {
        return transaction(tx -> tx.markFleetLockFailed(machineId, at, failure));
    }

    @Override
    default void recordMachineToken(MachineToken token) {
        update(tx -> tx.recordMachineToken(token));
    }

    @Override
    default boolean forgetMachineToken(String machineId) {
        return transaction(tx -> tx.forgetMachineToken(machineId));
    }

    @Override
    default boolean recordUnknownMachine(String id, String endpoint, Instant at, long limit) {
        return transaction(tx -> tx.recordUnknownMachine(id, endpoint, at, limit));
    }

    @Override
    default boolean forgetUnknownMachine(String id) {
        return transaction(tx -> tx.forgetUnknownMachine(id));
    }

    @Override
    default void recordMachineRollback(MachineRollback rollback) {
        update(tx -> tx.recordMachineRollback(rollback));
    }

    @Override
    default Map<String, List<dev.strata.plan.Release>> releases() {
        return read(StateReader::releases);
    }

    @Override
    default List<dev.strata.plan.Release> releases(String group) {
        return read(r -> r.releases(group));
    }

    @Override
    default List<GraphPoll> graphPolls() {
        return read(StateReader::graphPolls);
    }

    @Override
    default void recordRelease(dev.strata.plan.Release release) {
        update(tx -> tx.recordRelease(release));
    }

    @Override
    default boolean markReleaseDeadEnd(String group, long ageIndex, String reason) {
        return transaction(tx -> tx.markReleaseDeadEnd(group, ageIndex, reason));
    }

    @Override
    default void recordGraphPoll(GraphPoll poll) {
        update(tx -> tx.recordGraphPoll(poll));
    }

    @Override
    default void recordGraphPoll(GraphPoll poll, String booted) {
        update(tx -> tx.recordGraphPoll(poll, booted));
    }

    @Override
    default void recordGraphPolls(List<GraphPoll> polls, List<String> booted) {
        update(tx -> tx.recordGraphPolls(polls, booted));
    }
}
