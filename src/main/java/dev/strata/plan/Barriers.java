package dev.strata.plan;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Update barriers: base versions every machine must pass through. When a group's target sits on a
 * base past a barrier and some machine still runs a base before it, the machines first go to the
 * same image built on the barrier's base, if such a build exists; otherwise the group holds and says
 * how to produce it. Versions compare as FCOS writes them: dot-separated numbers.
 */
final class Barriers {
    private Barriers() {
    }

    /** The decision a barrier forces: go through {@code interim}, or hold with {@code reason}. */
    record Detour(Optional<Build> interim, String barrier, String reason) {
    }

    static Optional<Detour> check(MachineGroup g, Build target, Desired d, Observed o) {
        Optional<String> targetVersion = target.baseVersion();
        if (targetVersion.isEmpty()) return Optional.empty();
        List<String> barriers = barriersOf(d.fleet(), g.image());
        if (barriers.isEmpty()) return Optional.empty();
        // Which base each machine runs, looked up once per group: a scan of every build per machine is quadratic.
        Map<String, String> baseVersions = new HashMap<>();
        for (Build b : o.builds().values()) b.baseVersion().ifPresent(v -> baseVersions.putIfAbsent(b.imageDigest(), v));
        Set<String> running = new HashSet<>();
        for (Machine m : g.machines()) {
            o.machine(m.id()).flatMap(MachineState::booted).map(baseVersions::get).ifPresent(running::add);
        }
        for (String barrier : barriers.stream().sorted(Barriers::compare).toList()) {
            if (compare(targetVersion.get(), barrier) <= 0) continue;
            boolean someoneBefore = running.stream().anyMatch(v -> compare(v, barrier) < 0);
            if (!someoneBefore) continue;
            Optional<Build> interim = o.builds().values().stream()
                    .filter(b -> b.image().equals(target.image()) && b.baseVersion().filter(barrier::equals).isPresent())
                    .max(Comparator.comparing(Build::builtAt));
            String reason = interim.map(b -> "barrier " + barrier + ": machines go through " + b.imageDigest()
                            + " (built on " + barrier + ") before " + targetVersion.get())
                    .orElse("barrier " + barrier + ": machines run a base before it, and no build of image '" + target.image()
                            + "' on " + barrier + " exists; pin the stream to " + barrier + ", let the rollout finish, then move on");
            return Optional.of(new Detour(interim, barrier, reason));
        }
        return Optional.empty();
    }

    /** The barriers of the stream at the root of the image's chain. */
    static List<String> barriersOf(FleetSpec fleet, String image) {
        Set<String> seen = new HashSet<>();
        Optional<Image> cur = fleet.image(image);
        while (cur.isPresent() && seen.add(cur.get().name())) {
            ImageSource from = cur.get().from();
            if (from instanceof ImageSource.FromStream s) return fleet.stream(s.stream()).map(Stream::barriers).orElse(List.of());
            cur = from instanceof ImageSource.FromImage i ? fleet.image(i.image()) : Optional.empty();
        }
        return List.of();
    }

    static int compare(String a, String b) {
        return Versions.compare(a, b);
    }

}
