package dev.strata.render;

import dev.strata.plan.SpecChanges;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.SpecChange;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpecChangesTest {
    static final MachineGroup DC_EAST = Fixtures.dcEast(Fixtures.rollout(List.of(Fixtures.nightly()), Duration.ofMinutes(30), Fixtures.BERLIN));

    @Test
    void reportsEachObjectAsAddedChangedRemovedOrUnchanged() {
        FleetSpec base = Fixtures.fleet(DC_EAST);
        Image moved = base.images().get(0);
        Image relabelled = new Image(moved.name(), moved.from(), Map.of("tier", "2"), moved.layers(), moved.origin());
        MachineGroup lab = new MachineGroup("lab", "dc-bonded", MachineGroup.Delivery.BOOTC, Fixtures.machines("lab", 1),
                DC_EAST.rollout(), Fixtures.origin("groups/lab.yaml"));
        FleetSpec head = new FleetSpec(base.fleet(), List.of(), List.of(relabelled), List.of(DC_EAST, lab));

        assertThat(SpecChanges.between(base, head)).containsExactly(
                new SpecChange(Kind.FLEET, "example", Change.UNCHANGED),
                new SpecChange(Kind.STREAM, "fcos-stable", Change.REMOVED),
                new SpecChange(Kind.IMAGE, "dc-bonded", Change.CHANGED),
                new SpecChange(Kind.MACHINE_GROUP, "dc-east", Change.UNCHANGED),
                new SpecChange(Kind.MACHINE_GROUP, "lab", Change.ADDED));
    }

    @Test
    void movingADocumentToAnotherFileChangesNothing() {
        FleetSpec base = Fixtures.fleet(DC_EAST);
        Stream s = base.streams().get(0);
        Stream elsewhere = new Stream(s.name(), s.image(), s.tag(), s.pin(), s.version(), s.barriers(), s.deadEnds(),
                s.updateMetadata(), new Origin("all.yaml", 3));
        FleetSpec head = new FleetSpec(base.fleet(), List.of(elsewhere), base.images(), base.groups());

        assertThat(SpecChanges.between(base, head)).extracting(SpecChange::change).containsOnly(Change.UNCHANGED);
        assertThat(new SpecChange(Kind.IMAGE, "dc-bonded", Change.CHANGED)).hasToString("Image/dc-bonded changed");
    }

    @Test
    void withNoBaseFleetEverythingIsAddedTheFleetToo() {
        FleetSpec head = Fixtures.fleet(DC_EAST);

        assertThat(SpecChanges.added(head)).containsExactly(
                new SpecChange(Kind.FLEET, "example", Change.ADDED),
                new SpecChange(Kind.STREAM, "fcos-stable", Change.ADDED),
                new SpecChange(Kind.IMAGE, "dc-bonded", Change.ADDED),
                new SpecChange(Kind.MACHINE_GROUP, "dc-east", Change.ADDED));
    }
}
