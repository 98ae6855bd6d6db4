package dev.strata.plan;

import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Quantity;
import dev.strata.spec.Rollout;
import dev.strata.spec.Stream;
import dev.strata.spec.Wave;
import dev.strata.spec.Window;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Small fleets for planner tests: one stream, one image {@code app}, and groups built with
 * {@link #group(String)}. Image digests T1..T3 are the builds of inputs digests IN1..IN3.
 */
final class Fleets {
    static final String APP = "app";
    static final String BASE = digest('b');
    static final String T1 = digest('1');
    static final String T2 = digest('2');
    static final String T3 = digest('3');
    static final String IN1 = digest('a');
    static final String IN2 = digest('c');
    static final String IN3 = digest('d');

    private Fleets() {
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    /** The inputs digest whose build is the image digest {@code image}: IN1 for T1, and so on. */
    static String inputsOf(String image) {
        if (image.equals(T1)) return IN1;
        if (image.equals(T2)) return IN2;
        if (image.equals(T3)) return IN3;
        throw new IllegalArgumentException("no inputs for " + image);
    }

    static Machine machine(int i, Map<String, String> labels) {
        return new Machine(String.format("%032x", i + 1), String.format("m%02d", i), labels);
    }

    static List<Machine> machines(int n) {
        return IntStream.range(0, n).mapToObj(i -> machine(i, Map.of())).toList();
    }

    /** {@code n} machines spread over {@code racks} racks, labelled rack=r0, r1, ... in turn. */
    static List<Machine> machinesInRacks(int n, int racks) {
        return IntStream.range(0, n).mapToObj(i -> machine(i, Map.of("rack", "r" + (i % racks)))).toList();
    }

    static GroupBuilder group(String name) {
        return new GroupBuilder(name);
    }

    static Wave percentWave(String name, int percent) {
        return new Wave(name, List.of(), Map.of(), OptionalInt.of(percent), 100);
    }

    static Wave machinesWave(String name, String... machines) {
        return new Wave(name, List.of(machines), Map.of(), OptionalInt.empty(), 100);
    }

    static Wave selectorWave(String name, Map<String, String> selector) {
        return new Wave(name, List.of(), selector, OptionalInt.empty(), 100);
    }

    static Wave threshold(Wave w, int successThreshold) {
        return new Wave(w.name(), w.machines(), w.selector(), w.percent(), successThreshold);
    }

    static Window window(String start, Duration length, DayOfWeek first, DayOfWeek... more) {
        return new Window(EnumSet.of(first, more), LocalTime.parse(start), length);
    }

    static Window everyDay(String start, Duration length) {
        return new Window(EnumSet.allOf(DayOfWeek.class), LocalTime.parse(start), length);
    }

    /** A fleet of the image {@code app} on a pinned stream, and these groups. */
    static FleetSpec fleet(MachineGroup... groups) {
        Origin o = new Origin("fleet.yaml", 0);
        Stream stream = new Stream("os", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.of(BASE),
                Optional.empty(), List.of(), List.of(), Optional.empty(), new Origin("streams/os.yaml", 0));
        Image app = new Image(APP, new ImageSource.FromStream("os"), Map.of(), List.of(), new Origin("images/app.yaml", 0));
        return new FleetSpec(new Fleet("test", Optional.empty(), List.of(), List.of(), o), List.of(stream), List.of(app),
                List.of(groups));
    }

    /** The desired state where image {@code app} has inputs {@code inputs}. */
    static Desired desired(String inputs, MachineGroup... groups) {
        return new Desired(fleet(groups), "c0ffee0000000000000000000000000000000000",
                Map.of(APP, new InputsDigest(APP, inputs, BASE, List.of())));
    }

    static final class GroupBuilder {
        private final String name;
        private List<Machine> machines = Fleets.machines(4);
        private final List<Wave> waves = new ArrayList<>();
        private Quantity maxUnavailable = Quantity.ONE;
        private Optional<Rollout.DisruptionBudget> budget = Optional.empty();
        private Optional<String> holdAfter = Optional.empty();
        private Optional<String> approved = Optional.empty();
        private Duration bakeTime = Duration.ZERO;
        private ZoneId zone = ZoneId.of("UTC");
        private final List<Window> windows = new ArrayList<>();
        private boolean paused;
        private Duration updateTimeout = Rollout.DEFAULT_UPDATE_TIMEOUT;
        private Rollout.FailurePolicy failurePolicy = Rollout.FailurePolicy.DEFAULT;

        private GroupBuilder(String name) {
            this.name = name;
        }

        GroupBuilder machines(int n) {
            return machines(Fleets.machines(n));
        }

        GroupBuilder machines(List<Machine> ms) {
            this.machines = List.copyOf(ms);
            return this;
        }

        GroupBuilder waves(Wave... ws) {
            waves.addAll(List.of(ws));
            return this;
        }

        GroupBuilder maxUnavailable(int n) {
            maxUnavailable = new Quantity(n, false);
            return this;
        }

        GroupBuilder maxUnavailablePercent(int p) {
            maxUnavailable = new Quantity(p, true);
            return this;
        }

        GroupBuilder onePerRack() {
            return budget("rack", new Quantity(1, false));
        }

        GroupBuilder budget(String label, Quantity perGroup) {
            budget = Optional.of(new Rollout.DisruptionBudget(List.of(label), perGroup));
            return this;
        }

        GroupBuilder holdAfter(String wave) {
            holdAfter = Optional.of(wave);
            return this;
        }

        GroupBuilder approved(String digest) {
            approved = Optional.of(digest);
            return this;
        }

        GroupBuilder bakeTime(Duration d) {
            bakeTime = d;
            return this;
        }

        GroupBuilder timeZone(String id) {
            zone = ZoneId.of(id);
            return this;
        }

        GroupBuilder window(Window w) {
            windows.add(w);
            return this;
        }

        GroupBuilder paused() {
            paused = true;
            return this;
        }

        GroupBuilder updateTimeout(Duration d) {
            updateTimeout = d;
            return this;
        }

        GroupBuilder haltAfter(int failures) {
            failurePolicy = new Rollout.FailurePolicy(failures, Rollout.FailurePolicy.Action.HALT);
            return this;
        }

        GroupBuilder rollBackAfter(int failures) {
            failurePolicy = new Rollout.FailurePolicy(failures, Rollout.FailurePolicy.Action.ROLLBACK);
            return this;
        }

        MachineGroup build() {
            List<Wave> ws = waves.isEmpty() ? List.of(percentWave("all", 100)) : waves;
            Rollout r = new Rollout(ws, maxUnavailable, budget, holdAfter, approved, bakeTime, zone, windows, paused,
                    updateTimeout, failurePolicy);
            return new MachineGroup(name, APP, MachineGroup.Delivery.BOOTC, machines, r, new Origin("groups/" + name + ".yaml", 0));
        }
    }

    /** Machines by name, for readable assertions. */
    static Map<String, Machine> byName(MachineGroup g) {
        Map<String, Machine> out = new HashMap<>();
        g.machines().forEach(m -> out.put(m.name(), m));
        return out;
    }

    static Set<DayOfWeek> weekdays() {
        return EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    }
}
