package dev.strata.delivery;

import dev.strata.plan.MachineState;
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
import dev.strata.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/** Small fleets for delivery tests: one image {@code app} pushed to {@code registry.test/fleet/app}, groups built here. */
final class TestFleet {
    static final String REGISTRY = "registry.test/fleet";
    static final String OLD = digest('0');
    static final String NEW = digest('1');
    static final String NEWER = digest('2');

    private TestFleet() {
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    /** Machine {@code i} of group {@code group}: a distinct 32-hex id, named {@code group-i}. */
    static Machine machine(String group, int i, Map<String, String> labels) {
        String seed = Integer.toHexString(Math.abs(group.hashCode()) % 0xffff);
        return new Machine(String.format("%s%0" + (32 - seed.length()) + "x", seed, i + 1), group + "-" + i, labels);
    }

    static FleetSpec fleet(Optional<String> registry, MachineGroup... groups) {
        Stream stream = new Stream("os", "quay.io/fedora/fedora-coreos", Optional.of("stable"), Optional.of(digest('b')),
                Optional.empty(), List.of(), List.of(), Optional.empty(), new Origin("streams/os.yaml", 0));
        Image app = new Image("app", new ImageSource.FromStream("os"), Map.of(), List.of(), new Origin("images/app.yaml", 0));
        return new FleetSpec(new Fleet("test", registry, List.of(), List.of(), new Origin("fleet.yaml", 0)), List.of(stream),
                List.of(app), List.of(groups));
    }

    static DesiredView view(MachineGroup... groups) {
        return DesiredView.of("c0ffee", fleet(Optional.of(REGISTRY), groups), Optional.empty());
    }

    static Group group(String name) {
        return new Group(name);
    }

    /** Marks {@code m} released for {@code digest} while it still boots {@link #OLD}, as apply does. */
    static void release(StateStore store, Machine m, String digest, Instant at) {
        store.recordMachine(new MachineState(m.id(), Optional.of(OLD), Optional.of(at.minusSeconds(86400)), Optional.empty(),
                Optional.of(digest), Optional.of(at), Optional.empty(), Optional.empty()));
    }

    static final class Group {
        private final String name;
        private List<Machine> machines;
        private Quantity maxUnavailable = Quantity.ONE;
        private Optional<Rollout.DisruptionBudget> budget = Optional.empty();
        private final List<Window> windows = new ArrayList<>();
        private ZoneId zone = ZoneId.of("UTC");
        private Duration updateTimeout = Rollout.DEFAULT_UPDATE_TIMEOUT;
        private MachineGroup.Delivery delivery = MachineGroup.Delivery.BOOTC;
        private dev.strata.spec.Agent agent = dev.strata.spec.Agent.DEFAULT;

        private Group(String name) {
            this.name = name;
            machines(4);
        }

        Group machines(int n) {
            machines = IntStream.range(0, n).mapToObj(i -> machine(name, i, Map.of())).toList();
            return this;
        }

        /** Machine {@code i} of another platform ({@code os/arch}) than linux/amd64. */
        Group platform(int i, String platform) {
            List<Machine> out = new ArrayList<>(machines);
            Machine m = out.get(i);
            out.set(i, new Machine(m.id(), m.name(), m.labels(), platform));
            machines = List.copyOf(out);
            return this;
        }

        /** {@code n} machines labelled rack=r0, r1, ... in turn. */
        Group machinesInRacks(int n, int racks) {
            machines = IntStream.range(0, n).mapToObj(i -> machine(name, i, Map.of("rack", "r" + (i % racks)))).toList();
            return this;
        }

        Group maxUnavailable(Quantity q) {
            maxUnavailable = q;
            return this;
        }

        Group onePerRack() {
            budget = Optional.of(new Rollout.DisruptionBudget(List.of("rack"), Quantity.ONE));
            return this;
        }

        Group window(Window w, String zone) {
            windows.add(w);
            this.zone = ZoneId.of(zone);
            return this;
        }

        Group updateTimeout(Duration d) {
            updateTimeout = d;
            return this;
        }

        Group agent(dev.strata.spec.Agent a) {
            agent = a;
            return this;
        }

        Group zincati() {
            delivery = MachineGroup.Delivery.ZINCATI;
            return this;
        }

        MachineGroup build() {
            Rollout r = new Rollout(List.of(new Wave("all", List.of(), Map.of(), OptionalInt.of(100), 100)), maxUnavailable,
                    budget, Optional.empty(), Optional.empty(), Duration.ZERO, zone, windows, false, updateTimeout,
                    Rollout.FailurePolicy.DEFAULT);
            return new MachineGroup(name, "app", delivery, machines, r, agent, new Origin("groups/" + name + ".yaml", 0));
        }
    }
}
