package dev.strata.plan;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.strata.plan.Fleets.APP;
import static dev.strata.plan.Fleets.BASE;
import static dev.strata.plan.Fleets.IN1;
import static dev.strata.plan.Fleets.IN2;
import static dev.strata.plan.Fleets.T1;
import static dev.strata.plan.Fleets.T2;
import static dev.strata.plan.Fleets.digest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Releases of zincati groups only move forward (docs/zincati.md): a revert or a rollback to a build that was
 * released before becomes a republish of that build, newer than the newest release, and machines go to
 * the republished digest; bootc groups go straight back.
 */
class ForwardOnlyTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Instant R1_CREATED = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant R2_CREATED = Instant.parse("2026-11-10T00:00:00Z");
    static final String T1_AGAIN = digest('7');

    static MachineGroup zincati(MachineGroup g) {
        return new MachineGroup(g.name(), g.image(), MachineGroup.Delivery.ZINCATI, g.machines(), g.rollout(), g.origin());
    }

    static Build build(String inputs, String digest, Instant created, String version) {
        return new Build(APP, inputs, digest, "registry.example/app@" + digest, "c0ffee", BASE, Optional.of("43.20260413.3.2"),
                created, Optional.of(created), Optional.of(version));
    }

    static Release release(long age, Build b) {
        return new Release("edge", age, b.version().orElseThrow(), APP, b.inputsDigest(), b.imageDigest(),
                Map.of("x86_64", b.reference()), b.created().orElseThrow(), b.created().orElseThrow(), Optional.empty(), Optional.empty());
    }

    static final Build B1 = build(IN1, T1, R1_CREATED, "43.20260413.3.2.strata.aaaaaaaaaaaa");
    static final Build B2 = build(IN2, T2, R2_CREATED, "43.20260413.3.2.strata.cccccccccccc");

    private static Observed observed(MachineGroup g, List<Build> builds, List<Release> releases, GroupState state,
                                     Map<String, MachineState> machines) {
        Map<String, Build> byInputs = new HashMap<>();
        builds.forEach(b -> byInputs.put(b.inputsDigest(), b));
        return new Observed(Map.of(), byInputs, Map.of(), Map.of(g.name(), state), machines, Map.of(g.name(), releases));
    }

    private static Map<String, MachineState> all(MachineGroup g, String booted, String released) {
        Map<String, MachineState> out = new HashMap<>();
        for (Machine m : g.machines()) {
            out.put(m.id(), new MachineState(m.id(), Optional.of(booted), Optional.of(R2_CREATED), Optional.empty(),
                    Optional.of(released), Optional.of(R2_CREATED), Optional.empty(), Optional.of(NOW)));
        }
        return out;
    }

    @Test
    void aRevertInAZincatiGroupRepublishesTheEarlierBuildAndWaitsForIt() {
        MachineGroup g = zincati(Fleets.group("edge").build());
        GroupState done = new GroupState("edge", Optional.of(T2), Optional.of(T1), Optional.of(R2_CREATED),
                GroupState.Status.DONE, Set.of(), false);
        Observed o = observed(g, List.of(B1, B2), List.of(release(1, B1), release(2, B2)), done, all(g, T2, T2));
        Plan plan = Planner.plan(Fleets.desired(IN1, g), o, NOW);

        Action.BuildImage republish = plan.actions().stream().filter(a -> a instanceof Action.BuildImage)
                .map(a -> (Action.BuildImage) a).findFirst().orElseThrow();
        assertThat(republish.cause()).isEqualTo(Action.BuildCause.REPUBLISH);
        assertThat(republish.inputsDigest()).isEqualTo(IN1);
        Action.Republish r = republish.republish().orElseThrow();
        assertThat(r.fromDigest()).isEqualTo(T1);
        assertThat(r.notBefore()).isEqualTo(R2_CREATED.plusSeconds(1));
        assertThat(r.version()).isEqualTo("43.20260413.3.2.strata.aaaaaaaaaaaa.r" + R2_CREATED.plusSeconds(1).getEpochSecond());
        assertThat(plan.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.Wait.class,
                w -> assertThat(w.cause()).isEqualTo(Action.WaitCause.BUILD)));
        assertThat(plan.actions()).noneMatch(a -> a instanceof Action.Promote);

        // Once the republish is recorded for the same inputs, machines are promoted to it, not to T1.
        Build again = build(IN1, T1_AGAIN, R2_CREATED.plusSeconds(1), r.version());
        Observed after = observed(g, List.of(again, B2), List.of(release(1, B1), release(2, B2)), done, all(g, T2, T2));
        Plan next = Planner.plan(Fleets.desired(IN1, g), after, NOW);
        assertThat(next.actions()).noneMatch(a -> a instanceof Action.BuildImage);
        assertThat(next.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.Promote.class,
                p -> assertThat(p.toDigest()).isEqualTo(T1_AGAIN)));
    }

    @Test
    void aBootcGroupGoesStraightBackToTheEarlierBuild() {
        MachineGroup g = Fleets.group("dc").build();
        GroupState done = new GroupState("dc", Optional.of(T2), Optional.of(T1), Optional.of(R2_CREATED),
                GroupState.Status.DONE, Set.of(), false);
        Observed o = observed(g, List.of(B1, B2), List.of(), done, all(g, T2, T2));
        Plan plan = Planner.plan(Fleets.desired(IN1, g), o, NOW);
        assertThat(plan.actions()).noneMatch(a -> a instanceof Action.BuildImage);
        assertThat(plan.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.Promote.class,
                p -> assertThat(p.toDigest()).isEqualTo(T1)));
    }

    @Test
    void aRollbackInAZincatiGroupGoesToARepublishOfThePreviousRelease() {
        MachineGroup g = zincati(Fleets.group("edge").rollBackAfter(1).updateTimeout(Duration.ofHours(1)).build());
        GroupState rolling = new GroupState("edge", Optional.of(T2), Optional.of(T1), Optional.of(R2_CREATED),
                GroupState.Status.ROLLING, Set.of(), false);
        Map<String, MachineState> machines = all(g, T1, T1);
        Machine first = g.machines().get(0);
        machines.put(first.id(), new MachineState(first.id(), Optional.of(T1), Optional.of(R1_CREATED), Optional.empty(),
                Optional.of(T2), Optional.of(NOW.minus(Duration.ofHours(2))), Optional.empty(), Optional.of(NOW)));
        Observed o = observed(g, List.of(B1, B2), List.of(release(1, B1), release(2, B2)), rolling, machines);
        Plan plan = Planner.plan(Fleets.desired(IN2, g), o, NOW);
        assertThat(plan.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.BuildImage.class, b -> {
            assertThat(b.cause()).isEqualTo(Action.BuildCause.REPUBLISH);
            assertThat(b.republish().orElseThrow().fromDigest()).isEqualTo(T1);
        }));
        assertThat(plan.actions()).noneMatch(a -> a instanceof Action.Rollback);

        Build again = build(IN1, T1_AGAIN, R2_CREATED.plusSeconds(1), "x.r1");
        Observed after = observed(g, List.of(again, B2), List.of(release(1, B1), release(2, B2)), rolling, machines);
        Plan next = Planner.plan(Fleets.desired(IN2, g), after, NOW);
        assertThat(next.actions()).anySatisfy(a -> assertThat(a).isInstanceOfSatisfying(Action.Rollback.class, rb -> {
            assertThat(rb.fromDigest()).isEqualTo(T2);
            assertThat(rb.toDigest()).isEqualTo(T1_AGAIN);
            assertThat(rb.machines()).containsExactly(first.name());
        }));
    }

    @Test
    void anUnreleasedBuildOlderThanTheNewestReleaseIsRepublishedButARejectedOneNever() {
        Build older = build(digest('e'), digest('6'), R1_CREATED.minusSeconds(60), "43.old");
        assertThat(Releases.needsRepublish(older, List.of(release(1, B1), release(2, B2)), Set.of())).isTrue();
        assertThat(Releases.needsRepublish(B1, List.of(release(1, B1), release(2, B2)), Set.of(T1))).isFalse();
        assertThat(Releases.needsRepublish(B2, List.of(release(1, B1), release(2, B2)), Set.of())).isFalse();
        Build newer = build(digest('e'), digest('6'), R2_CREATED.plusSeconds(60), "43.new");
        assertThat(Releases.needsRepublish(newer, List.of(release(1, B1), release(2, B2)), Set.of())).isFalse();
    }
}
