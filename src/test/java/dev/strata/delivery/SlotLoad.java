package dev.strata.delivery;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Quantity;

import java.util.List;

/** The fleet of the kill -9 test: three groups of 20 machines in 4 racks, 3 slots each, one per rack. */
final class SlotLoad {
    static final int SLOTS = 3;
    static final int RACKS = 4;

    private SlotLoad() {
    }

    static List<MachineGroup> fleet() {
        return List.of("a", "b", "c").stream().map(name -> TestFleet.group("grp-" + name).machinesInRacks(20, RACKS)
                .maxUnavailable(new Quantity(SLOTS, false)).onePerRack().build()).toList();
    }

    static String groupOf(Machine m) {
        return m.name().substring(0, m.name().lastIndexOf('-'));
    }
}
