package dev.strata.plan;

import dev.strata.spec.Machine;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Observed state as values, written the way a test reads: which images are built, what machines run. */
final class ObservedBuilder {
    private final Map<String, Build> builds = new HashMap<>();
    private final Map<String, StreamResolution> streams = new HashMap<>();
    private final Map<String, InputsDigest> previousInputs = new HashMap<>();
    private final Map<String, GroupState> groups = new HashMap<>();
    private final Map<String, MachineState> machines = new HashMap<>();

    static ObservedBuilder observed() {
        return new ObservedBuilder();
    }

    /** Image digests built by the fixture convention (T1 from IN1, ...). */
    ObservedBuilder built(String... imageDigests) {
        for (String d : imageDigests) build(new Build(Fleets.APP, Fleets.inputsOf(d), d, "registry.example/app@" + d,
                "0123456789abcdef0123456789abcdef01234567", Fleets.BASE, Optional.empty(), Instant.EPOCH));
        return this;
    }

    ObservedBuilder build(Build b) {
        builds.put(b.inputsDigest(), b);
        return this;
    }

    ObservedBuilder stream(StreamResolution s) {
        streams.put(s.stream(), s);
        return this;
    }

    ObservedBuilder previousInputs(InputsDigest in) {
        previousInputs.put(in.image(), in);
        return this;
    }

    ObservedBuilder group(GroupState s) {
        groups.put(s.group(), s);
        return this;
    }

    /** The group rolling {@code target} out, after {@code previous}. */
    ObservedBuilder rolling(String group, String target, String previous) {
        return group(new GroupState(group, Optional.of(target), Optional.of(previous), Optional.of(Instant.EPOCH),
                GroupState.Status.ROLLING, Set.of(), false));
    }

    ObservedBuilder machine(MachineState s) {
        machines.put(s.id(), s);
        return this;
    }

    /** Every machine runs {@code digest}, first seen on it at {@code since}, with nothing released. */
    ObservedBuilder running(Collection<Machine> ms, String digest, Instant since) {
        ms.forEach(m -> machine(States.running(m, digest, since)));
        return this;
    }

    /** Every machine was released for {@code digest} and has run it since {@code since}. */
    ObservedBuilder updated(Collection<Machine> ms, String digest, Instant since) {
        ms.forEach(m -> machine(States.updated(m, digest, since.minusSeconds(600), since)));
        return this;
    }

    Observed build() {
        return new Observed(streams, builds, previousInputs, groups, machines);
    }

    /** One machine's state, changed one field at a time. */
    static final class States {
        private States() {
        }

        static MachineState running(Machine m, String digest, Instant since) {
            return new MachineState(m.id(), Optional.of(digest), Optional.of(since), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(since));
        }

        /** Runs {@code from}, released for {@code to} at {@code at}, not there yet: in flight. */
        static MachineState updating(Machine m, String from, String to, Instant at) {
            return released(running(m, from, Instant.EPOCH), to, at);
        }

        /** Released for {@code to} at {@code releasedAt}, running it since {@code bootedSince}. */
        static MachineState updated(Machine m, String to, Instant releasedAt, Instant bootedSince) {
            return released(running(m, to, bootedSince), to, releasedAt);
        }

        /** Released for {@code to} at {@code at}, still running {@code from}, and reported a failure. */
        static MachineState failed(Machine m, String from, String to, Instant at) {
            MachineState s = updating(m, from, to, at);
            return new MachineState(s.id(), s.booted(), s.bootedSince(), s.staged(), s.releasedDigest(), s.releasedAt(),
                    Optional.of("rpm-ostree: deployment failed"), s.lastReport());
        }

        static MachineState released(MachineState s, String digest, Instant at) {
            return new MachineState(s.id(), s.booted(), s.bootedSince(), s.staged(), Optional.of(digest), Optional.of(at),
                    Optional.empty(), s.lastReport());
        }

        static MachineState booted(MachineState s, String digest, Instant at) {
            return new MachineState(s.id(), Optional.of(digest), Optional.of(at), Optional.empty(), s.releasedDigest(),
                    s.releasedAt(), Optional.empty(), Optional.of(at));
        }

        static MachineState failure(MachineState s, String message) {
            return new MachineState(s.id(), s.booted(), s.bootedSince(), s.staged(), s.releasedDigest(), s.releasedAt(),
                    Optional.of(message), s.lastReport());
        }
    }

    static Set<String> names(Collection<Machine> ms) {
        Set<String> out = new HashSet<>();
        ms.forEach(m -> out.add(m.name()));
        return out;
    }
}
