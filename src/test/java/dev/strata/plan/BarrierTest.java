package dev.strata.plan;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.strata.plan.Fleets.APP;
import static dev.strata.plan.Fleets.BASE;
import static dev.strata.plan.Fleets.IN1;
import static dev.strata.plan.Fleets.IN2;
import static dev.strata.plan.Fleets.IN3;
import static dev.strata.plan.Fleets.T1;
import static dev.strata.plan.Fleets.T2;
import static dev.strata.plan.Fleets.T3;
import static org.assertj.core.api.Assertions.assertThat;

/** Barriers: machines on a base before a barrier version pass through an image built on it. */
class BarrierTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final String BARRIER = "43.20260413.3.2";

    final MachineGroup group = Fleets.group("dc").build();

    /** The fleet of the fixtures, its stream carrying one barrier. */
    Desired desired(String inputs) {
        FleetSpec f = Fleets.fleet(group);
        Stream s = f.streams().get(0);
        Stream withBarrier = new Stream(s.name(), s.image(), s.tag(), s.pin(), s.version(), List.of(BARRIER), List.of(),
                Optional.empty(), s.origin());
        FleetSpec fleet = new FleetSpec(f.fleet(), List.of(withBarrier), f.images(), f.groups());
        return new Desired(fleet, "c0ffee0000000000000000000000000000000000",
                Map.of(APP, new InputsDigest(APP, inputs, BASE, List.of())));
    }

    static Build build(String inputs, String digest, String baseVersion, Instant at) {
        return new Build(APP, inputs, digest, "registry.example/app@" + digest, "0123456789abcdef0123456789abcdef01234567",
                BASE, Optional.of(baseVersion), at);
    }

    @Test
    void machinesBeforeABarrierGoThroughTheImageBuiltOnIt() {
        Observed o = ObservedBuilder.observed()
                .build(build(IN1, T1, "43.20260301.3.0", NOW.minusSeconds(9000)))
                .build(build(IN2, T2, BARRIER, NOW.minusSeconds(5000)))
                .build(build(IN3, T3, "43.20260601.3.0", NOW.minusSeconds(100)))
                .running(group.machines(), T1, NOW.minusSeconds(8000))
                .build();

        Plan plan = Planner.plan(desired(IN3), o, NOW);

        Action.Promote p = (Action.Promote) plan.actions().get(plan.actions().size() - 1);
        assertThat(p.toDigest()).isEqualTo(T2);
    }

    @Test
    void withNoBuildOnTheBarrierTheGroupHoldsAndSaysWhatToDo() {
        Observed o = ObservedBuilder.observed()
                .build(build(IN1, T1, "43.20260301.3.0", NOW.minusSeconds(9000)))
                .build(build(IN3, T3, "43.20260601.3.0", NOW.minusSeconds(100)))
                .running(group.machines(), T1, NOW.minusSeconds(8000))
                .build();

        Plan plan = Planner.plan(desired(IN3), o, NOW);

        Action last = plan.actions().get(plan.actions().size() - 1);
        assertThat(last).isInstanceOf(Action.Hold.class);
        assertThat(((Action.Hold) last).cause()).isEqualTo(Action.HoldCause.BARRIER);
        assertThat(last.reason()).contains(BARRIER).contains("pin the stream");
    }

    @Test
    void onceEveryMachineIsPastTheBarrierTheRealTargetRollsOut() {
        Observed o = ObservedBuilder.observed()
                .build(build(IN2, T2, BARRIER, NOW.minusSeconds(5000)))
                .build(build(IN3, T3, "43.20260601.3.0", NOW.minusSeconds(100)))
                .running(group.machines(), T2, NOW.minusSeconds(4000))
                .build();

        Plan plan = Planner.plan(desired(IN3), o, NOW);

        Action.Promote p = (Action.Promote) plan.actions().get(plan.actions().size() - 1);
        assertThat(p.toDigest()).isEqualTo(T3);
    }

    @Test
    void versionsCompareNumericallyPartByPart() {
        assertThat(Barriers.compare("43.20260413.3.10", "43.20260413.3.9")).isPositive();
        assertThat(Barriers.compare("42.20261231.3.0", "43.20260101.3.0")).isNegative();
        assertThat(Barriers.compare(BARRIER, BARRIER)).isZero();
    }
}
