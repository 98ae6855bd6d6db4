package dev.strata.reconcile;

import dev.strata.inputs.InputsHasher;
import dev.strata.plan.Action;
import dev.strata.plan.Build;
import dev.strata.plan.Desired;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.plan.Observed;
import dev.strata.plan.Plan;
import dev.strata.plan.Planner;
import dev.strata.plan.StreamResolution;
import dev.strata.spec.FleetSpec;
import dev.strata.state.StateSnapshot;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Observe and plan for one revision: resolve streams, compute inputs digests, read the state
 * snapshot, and call the pure planner. Everything the planner needs is gathered here, once.
 */
public final class Planning {
    private Planning() {
    }

    /** A plan with what it was made from, and notes a person should read (offline, unresolved streams). */
    public record Result(Plan plan, Desired desired, Observed observed, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    public static Result plan(Revision rev, StreamSource streams, Optional<StateSnapshot> state, Instant now)
            throws IOException, InvalidSpecsException {
        FleetSpec fleet = fleetOf(rev);
        StreamSource.Resolved resolved = streams.resolve(fleet, recorded(state));
        return plan(desired(rev, resolved.streams()), resolved, state, now);
    }

    /** The desired state at a revision: its fleet and each image's inputs digest on these stream digests. */
    public static Desired desired(Revision rev, Map<String, StreamResolution> streams) throws IOException, InvalidSpecsException {
        FleetSpec fleet = fleetOf(rev);
        return new Desired(fleet, rev.revision(), new InputsHasher(rev.tree()).digests(fleet, streams));
    }

    /** Plans from a desired state already computed on {@code resolved}'s streams (a reconciler reuses it). */
    public static Result plan(Desired desired, StreamSource.Resolved resolved, Optional<StateSnapshot> state, Instant now) {
        Observed observed = state.map(s -> s.observed(resolved.streams()))
                .orElseGet(() -> new Observed(resolved.streams(), Map.of(), Map.of(), Map.of(), Map.of()));
        return new Result(Planner.plan(desired, observed, now), desired, observed, resolved.notes());
    }

    /** Records the digests streams resolved to from a registry, so a later --offline run can use them. */
    public static void recordStreams(Result result, dev.strata.state.StateStore store, Instant now) {
        store.update(tx -> result.observed().streams().values().stream()
                .filter(s -> s.source() == StreamResolution.Source.REGISTRY)
                .forEach(s -> tx.recordStream(s, now)));
    }

    static FleetSpec fleetOf(Revision rev) throws InvalidSpecsException {
        return rev.validation().fleet().orElseThrow(() -> new InvalidSpecsException(rev.revision(), rev.validation()));
    }

    static Map<String, StreamResolution> recorded(Optional<StateSnapshot> state) {
        return state.map(s -> s.streams().values().stream()
                        .collect(Collectors.toMap(r -> r.stream(), r -> r.asResolution())))
                .orElse(Map.of());
    }

    /**
     * Images not built yet are assumed built, named by their inputs digest, so a preview can show
     * which waves would roll. Image actions come from the real observed state, group actions from
     * the assumed one.
     */
    static Plan assumingBuilds(Desired desired, Observed observed, String commit, Instant now) throws IOException {
        // The fingerprint of a preview's assumed state covers every machine: made meanwhile on another core.
        Concurrently<String> fingerprint = Concurrently.start("strata-fingerprint", () -> dev.strata.plan.Fingerprint.of(observed));
        List<Action> actions = new ArrayList<>(Planner.imageActions(desired, observed));
        Map<String, Build> builds = new java.util.HashMap<>(observed.builds());
        for (InputsDigest in : desired.inputs().values()) {
            builds.putIfAbsent(in.digest(), standIn(in, observed.streams(), commit, now));
        }
        Observed assumed = new Observed(observed.streams(), builds, observed.previousInputs(), observed.groups(),
                observed.machines());
        actions.addAll(Planner.groupActions(desired, assumed, now));
        return new Plan(Plan.FORMAT_VERSION, desired.revision(), now, fingerprint.get(), actions);
    }

    /** A build that has not happened, named by its inputs digest; its base version is the stream's, when known. */
    static Build standIn(InputsDigest in, Map<String, StreamResolution> streams, String commit, Instant now) {
        Optional<String> baseVersion = streams.values().stream().filter(s -> s.digest().equals(in.baseDigest())).findFirst()
                .flatMap(StreamResolution::version);
        return new Build(in.image(), in.digest(), in.digest(), in.image() + "@" + in.digest(), commit, in.baseDigest(),
                baseVersion, now);
    }

    /**
     * What a preview with no state store assumes about the base revision: built (on the base's streams),
     * and rolled out everywhere. {@code streams} are head's, as the planner sees them.
     */
    static Observed assumeRolledOut(FleetSpec base, Map<String, InputsDigest> baseInputs, Map<String, StreamResolution> baseStreams,
                                    Map<String, StreamResolution> streams, String commit, Instant now) {
        Map<String, Build> builds = new java.util.HashMap<>();
        Map<String, GroupState> groups = new java.util.HashMap<>();
        int machineCount = base.groups().stream().mapToInt(g -> g.machines().size()).sum();
        Map<String, MachineState> machines = new java.util.HashMap<>(machineCount * 4 / 3 + 1);
        Instant longAgo = now.minus(java.time.Duration.ofDays(30));
        Optional<Instant> since = Optional.of(longAgo); // values, so shared by the group's machines
        for (InputsDigest in : baseInputs.values()) builds.put(in.digest(), standIn(in, baseStreams, commit, longAgo));
        for (var g : base.groups()) {
            InputsDigest in = baseInputs.get(g.image());
            if (in == null) continue;
            Optional<String> digest = Optional.of(in.digest());
            groups.put(g.name(), new GroupState(g.name(), digest, Optional.empty(), since,
                    GroupState.Status.DONE, java.util.Set.of(), false));
            for (var m : g.machines()) {
                machines.put(m.id(), new MachineState(m.id(), digest, since, Optional.empty(), digest, since, Optional.empty(), since));
            }
        }
        return new Observed(streams, builds, baseInputs, groups, machines);
    }
}
