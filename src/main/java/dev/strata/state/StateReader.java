package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;
import dev.strata.plan.PackageDelta;
import dev.strata.plan.Packages;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the state store holds, read. Maps are sorted by key; lists are in the order each method names. */
public interface StateReader {
    /** Every recorded build, keyed by inputs digest (as {@link dev.strata.plan.Observed#builds()} is). */
    Map<String, Build> builds();

    Optional<Build> build(String inputsDigest);

    /** The package list recorded with a build, when its builder read one (docs/packages.md). */
    Optional<Packages> packages(String inputsDigest);

    /**
     * Per image, by name: how the packages of its latest build with a package list differ from those of the
     * build of that image before it (by build time). Images with no recorded package list are left out.
     */
    default List<PackageDelta> packageDeltas() {
        Map<String, List<Build>> byImage = new java.util.TreeMap<>();
        builds().values().forEach(b -> byImage.computeIfAbsent(b.image(), k -> new java.util.ArrayList<>()).add(b));
        List<PackageDelta> out = new java.util.ArrayList<>();
        byImage.forEach((image, builds) -> {
            builds.sort(java.util.Comparator.comparing(Build::builtAt).thenComparing(Build::inputsDigest));
            Build latest = builds.get(builds.size() - 1);
            Optional<Packages> now = packages(latest.inputsDigest());
            if (now.isEmpty()) return;
            Optional<Build> previous = builds.size() > 1 ? Optional.of(builds.get(builds.size() - 2)) : Optional.empty();
            out.add(PackageDelta.of(image, previous, previous.flatMap(b -> packages(b.inputsDigest())), latest, now.get()));
        });
        return List.copyOf(out);
    }

    /** Every group's rollout, keyed by group name. */
    Map<String, GroupState> groups();

    Optional<GroupState> group(String name);

    /** Every wave's progress, by group, then start time, then wave name. */
    List<WaveProgress> waves();

    /** One group's waves, oldest first. */
    List<WaveProgress> waves(String group);

    /** Every approval, by group, then approval time. */
    List<Approval> approvals();

    Optional<Approval> approval(String group, String digest);

    /** What each machine last reported, keyed by machine id. */
    Map<String, MachineState> machines();

    Optional<MachineState> machine(String id);

    /** The last resolution of each stream, keyed by stream name. */
    Map<String, RecordedStream> recordedStreams();

    /**
     * The newest {@code limit} history entries, newest first; only those about {@code subject} (an image
     * or a group) when one is given.
     */
    List<HistoryEntry> history(Optional<String> subject, int limit);

    /**
     * A digest of the build and rollout state: builds, groups, waves and approvals, but not machine
     * reports or stream resolutions. A plan carries it; apply refuses the plan when it has moved.
     */
    default String fingerprint() {
        return StateFingerprint.of(builds(), groups(), waves(), approvals());
    }

    /** The inputs of each image's latest recorded build, by image name. */
    Map<String, InputsDigest> builtInputs();

    // Delivery (docs/delivery.md): FleetLock holders, machine tokens, unknown machine ids, rollback deployments.

    /** Every FleetLock holder, by group, then grant time. */
    List<FleetLockHolder> fleetLockHolders();

    /** One group's FleetLock holders, oldest grant first. */
    List<FleetLockHolder> fleetLockHolders(String group);

    /** The slot a machine holds, if any (a machine holds at most one). */
    Optional<FleetLockHolder> fleetLockHolder(String machineId);

    /** The hash of a machine's agent token, if one was issued. */
    Optional<MachineToken> machineToken(String machineId);

    /** Machine ids seen that no group listed, most recently seen first. */
    List<UnknownMachine> unknownMachines();

    /** How many unknown machine ids are recorded. */
    long unknownMachineCount();

    /** A machine's rollback deployment as last reported; empty when the machine has no record. */
    Optional<MachineRollback> machineRollback(String id);

    /** Every machine's rollback deployment, keyed by machine id. */
    Map<String, MachineRollback> machineRollbacks();

    // Zincati (docs/zincati.md): releases and graph polls.

    /** Every zincati group's releases, oldest first, keyed by group. */
    Map<String, List<dev.strata.plan.Release>> releases();

    /** One group's releases, oldest first. */
    List<dev.strata.plan.Release> releases(String group);

    /** Each machine's last poll of the update graph, by group, then machine id. */
    List<GraphPoll> graphPolls();
}
