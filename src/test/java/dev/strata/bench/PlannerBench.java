package dev.strata.bench;

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
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Layer;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The planner on a generated fleet of 1,000 images, 200 groups and 100,000 machines, in memory (no
 * network, no disk): a no-op plan where everything is built and rolled out, and a plan after the
 * stream moved so every image rebuilds. Run with scripts/bench-plan; prints figures.
 */
public final class PlannerBench {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    public static void main(String[] args) {
        int images = 1_000, groups = 200, perGroup = 500;
        FleetSpec fleet = fleet(images, groups, perGroup);
        Map<String, InputsDigest> before = inputs(fleet, "sha256:" + "a".repeat(64));
        Map<String, InputsDigest> after = inputs(fleet, "sha256:" + "b".repeat(64));
        Observed rolledOut = rolledOut(fleet, before);
        Desired same = new Desired(fleet, "c0ffee", before);
        Desired moved = new Desired(fleet, "c0ffee", after);

        for (int i = 0; i < 3; i++) Planner.plan(same, rolledOut, NOW); // warm up the JIT
        report("no-op (everything built and rolled out)", same, rolledOut, 5);
        report("stream moved (every image rebuilds)", moved, rolledOut, 5);
    }

    private static void report(String what, Desired d, Observed o, int runs) {
        long best = Long.MAX_VALUE;
        List<Long> all = new ArrayList<>();
        Plan plan = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            plan = Planner.plan(d, o, NOW);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            all.add(ms);
            best = Math.min(best, ms);
        }
        long builds = plan.actions().stream().filter(a -> a instanceof Action.BuildImage).count();
        long noops = plan.actions().stream().filter(a -> a instanceof Action.NoOp).count();
        all.sort(null);
        System.out.printf(Locale.ROOT, "%-42s min %5d ms  median %5d ms  (%d actions: %d builds, %d no-ops)%n",
                what, best, all.get(all.size() / 2), plan.actions().size(), builds, noops);
    }

    static FleetSpec fleet(int images, int groups, int perGroup) {
        Origin o = new Origin("bench.yaml", 0);
        Fleet f = new Fleet("bench", Optional.of("registry.example.com/fleet"), List.of(), List.of(), o);
        Stream s = new Stream("fcos", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.empty(),
                Optional.empty(), List.of(), List.of(), Optional.empty(), o);
        List<Image> is = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            ImageSource from = i % 10 == 0 || i == 0 ? new ImageSource.FromStream("fcos") : new ImageSource.FromImage("img-" + (i - i % 10));
            is.add(new Image("img-" + i, from, Map.of(), List.of(new Layer("l", List.of(), List.of(),
                    Layer.SystemdUnits.NONE, List.of())), o));
        }
        List<MachineGroup> gs = new ArrayList<>();
        int id = 0;
        for (int g = 0; g < groups; g++) {
            List<Machine> ms = new ArrayList<>();
            for (int m = 0; m < perGroup; m++, id++) {
                ms.add(new Machine(String.format("%032x", id), "m-" + id, Map.of("rack", "r" + (m % 10))));
            }
            Rollout r = new Rollout(List.of(
                    new Wave("canary", List.of(ms.get(0).name()), Map.of(), OptionalInt.empty(), 100),
                    new Wave("early", List.of(), Map.of(), OptionalInt.of(30), 100),
                    new Wave("rest", List.of(), Map.of(), OptionalInt.of(100), 100)),
                    new Quantity(10, true), Optional.of(new Rollout.DisruptionBudget(List.of("rack"), Quantity.ONE)),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(30), ZoneId.of("UTC"), List.of(), false,
                    Duration.ofHours(2), Rollout.FailurePolicy.DEFAULT);
            gs.add(new MachineGroup("g-" + g, "img-" + (g * 5), MachineGroup.Delivery.BOOTC, ms, r, o));
        }
        return new FleetSpec(f, List.of(s), is, gs);
    }

    static Map<String, InputsDigest> inputs(FleetSpec fleet, String base) {
        Map<String, InputsDigest> out = new HashMap<>();
        for (Image i : fleet.images()) {
            String d = "sha256:" + Integer.toHexString((base + i.name()).hashCode()) + "0".repeat(56);
            out.put(i.name(), new InputsDigest(i.name(), d, base, List.of()));
        }
        return out;
    }

    static Observed rolledOut(FleetSpec fleet, Map<String, InputsDigest> inputs) {
        Map<String, Build> builds = new HashMap<>();
        for (InputsDigest in : inputs.values()) {
            builds.put(in.digest(), new Build(in.image(), in.digest(), "sha256:" + in.digest().substring(7, 15) + "f".repeat(56),
                    "r@x", "c0ffee", in.baseDigest(), Optional.empty(), NOW.minusSeconds(86400)));
        }
        Map<String, GroupState> groups = new HashMap<>();
        Map<String, MachineState> machines = new HashMap<>();
        Instant since = NOW.minusSeconds(3600);
        for (MachineGroup g : fleet.groups()) {
            String target = builds.get(inputs.get(g.image()).digest()).imageDigest();
            groups.put(g.name(), new GroupState(g.name(), Optional.of(target), Optional.empty(), Optional.of(since),
                    GroupState.Status.DONE, Set.of(), false));
            for (Machine m : g.machines()) {
                machines.put(m.id(), new MachineState(m.id(), Optional.of(target), Optional.of(since), Optional.empty(),
                        Optional.of(target), Optional.of(since), Optional.empty(), Optional.of(since)));
            }
        }
        return new Observed(Map.of("fcos", new StreamResolution("fcos", "sha256:" + "a".repeat(64), Optional.empty(),
                StreamResolution.Source.REGISTRY)), builds, Map.of(), groups, machines);
    }
}
