package dev.strata.scenario;

import dev.strata.plan.Build;
import dev.strata.plan.GroupState;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.MachineState;
import dev.strata.reconcile.FleetSource;
import dev.strata.reconcile.Planning;
import dev.strata.reconcile.Revision;
import dev.strata.reconcile.StreamSource;
import dev.strata.source.GitSource;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.state.SqliteStateStore;
import dev.strata.state.StateStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the world outside Strata does, written straight into a state file: a builder pushing images,
 * machines booting what they were released for. Plans and applies go through the strata command.
 */
final class World {
    final Path repo;
    final Path state;

    World(Path repo, Path state) {
        this.repo = repo;
        this.state = state;
    }

    /** The fleet at {@code ref} and each image's inputs digest there. */
    record At(String commit, FleetSpec fleet, Map<String, InputsDigest> inputs) {
    }

    At at(String ref) throws Exception {
        try (FleetSource source = new FleetSource(GitSource.open(repo.toString(), GitSource.Options.defaults()), "", false)) {
            Revision rev = source.read(Optional.of(ref));
            Planning.Result r = Planning.plan(rev, StreamSource.offline(), Optional.empty(), Instant.parse(Strata.NOW));
            return new At(rev.revision(), r.desired().fleet(), r.desired().inputs());
        }
    }

    /** The digest the registry gives a build of these inputs: made up, but never the inputs digest itself. */
    static String imageDigest(String image, String inputsDigest) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest((image + "@" + inputsDigest).getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(d);
    }

    /** Every image of {@code at} built and pushed; returns image name -> image digest. */
    Map<String, String> buildAll(At at, Instant when) throws Exception {
        Map<String, String> digests = new java.util.TreeMap<>();
        try (StateStore store = SqliteStateStore.open(state)) {
            for (InputsDigest in : at.inputs().values()) {
                String digest = imageDigest(in.image(), in.digest());
                store.recordBuild(new Build(in.image(), in.digest(), digest, "registry.example.com/fleet/" + in.image() + "@" + digest,
                        at.commit(), in.baseDigest(), Optional.empty(), when));
                digests.put(in.image(), digest);
            }
        }
        return digests;
    }

    /** {@code group} fully rolled out to {@code digest}: released, booted and done, at {@code when}. */
    void rolledOut(MachineGroup group, String digest, Optional<String> previous, Instant when) {
        try (StateStore store = SqliteStateStore.open(state)) {
            store.update(tx -> {
                tx.saveGroup(new GroupState(group.name(), Optional.of(digest), previous, Optional.of(when),
                        GroupState.Status.DONE, Set.of(), false));
                for (Machine m : group.machines()) {
                    tx.recordMachine(new MachineState(m.id(), Optional.of(digest), Optional.of(when), Optional.empty(),
                            Optional.of(digest), Optional.of(when), Optional.empty(), Optional.of(when)));
                }
            });
        }
    }

    /** Every machine released for a digest it does not run yet reports that it boots it, at {@code when}. */
    void machinesBootWhatTheyWereReleasedFor(Instant when) {
        try (StateStore store = SqliteStateStore.open(state)) {
            store.update(tx -> tx.machines().values().forEach(m -> {
                if (m.releasedDigest().isPresent() && !m.runs(m.releasedDigest().get())) {
                    tx.recordMachine(new MachineState(m.id(), m.releasedDigest(), Optional.of(when), Optional.empty(),
                            m.releasedDigest(), m.releasedAt(), Optional.empty(), Optional.of(when)));
                }
            }));
        }
    }
}
