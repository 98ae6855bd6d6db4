package dev.strata.state;

import dev.strata.plan.Build;
import dev.strata.plan.GroupState;
import dev.strata.plan.MachineState;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Small values for state tests; times at millisecond precision, as the store keeps them. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-11-26T10:02:13.123Z");

    private Fixtures() {
    }

    static String digest(String seed) {
        String hex = Integer.toHexString(seed.hashCode() & 0x7fffffff);
        return "sha256:" + "0".repeat(64 - hex.length()) + hex;
    }

    static Build build(String image, int n) {
        return new Build(image, digest(image + "-inputs-" + n), digest(image + "-image-" + n),
                "registry.example/fleet/" + image + "@" + digest(image + "-image-" + n), "c0ffee" + n,
                digest("base-" + n), n % 2 == 0 ? Optional.of("43.20261101.3.0") : Optional.empty(), T0.plusSeconds(n));
    }

    static GroupState rolling(String group, String target, String previous) {
        return new GroupState(group, Optional.of(target), Optional.of(previous), Optional.of(T0), GroupState.Status.ROLLING,
                Set.of(digest("bad-1"), digest("bad-2")), false);
    }

    static MachineState machine(String id, String booted) {
        return new MachineState(id, Optional.of(booted), Optional.of(T0), Optional.empty(), Optional.of(booted),
                Optional.of(T0.minusSeconds(600)), Optional.empty(), Optional.of(T0.plusSeconds(60)));
    }

    static HistoryEntry entry(String subject, String detail) {
        return new HistoryEntry(T0, "c0ffee", "build", subject, detail, "inputs changed");
    }
}
