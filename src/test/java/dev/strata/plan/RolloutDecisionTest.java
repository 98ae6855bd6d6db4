package dev.strata.plan;

import dev.strata.plan.ObservedBuilder.States;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Quantity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.strata.plan.Fleets.IN1;
import static dev.strata.plan.Fleets.IN2;
import static dev.strata.plan.Fleets.IN3;
import static dev.strata.plan.Fleets.T1;
import static dev.strata.plan.Fleets.T2;
import static dev.strata.plan.Fleets.T3;
import static dev.strata.plan.Fleets.group;
import static dev.strata.plan.Fleets.machinesWave;
import static dev.strata.plan.Fleets.percentWave;
import static dev.strata.plan.Fleets.threshold;
import static dev.strata.plan.Fleets.window;
import static dev.strata.plan.ObservedBuilder.observed;
import static java.time.DayOfWeek.FRIDAY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One group's rollout decision on a fixed clock, from observed machine states given as values.
 * Unless a test says otherwise the group rolls T2 (the build of IN2) out over machines running T1.
 */
class RolloutDecisionTest {
    /** Wednesday 14 January 2026, 03:00 UTC. */
    private static final Instant NOW = Instant.parse("2026-01-14T03:00:00Z");

    private static Action decide(MachineGroup g, String inputs, ObservedBuilder o, Instant now) {
        Plan plan = Planner.plan(Fleets.desired(inputs, g), o.build(), now);
        List<Action> mine = plan.actions().stream().filter(a -> a.subject().equals(g.name())).toList();
        assertThat(mine).as("one decision for group %s in %s", g.name(), plan.actions()).hasSize(1);
        return mine.get(0);
    }

    private static Action decide(MachineGroup g, ObservedBuilder o) {
        return decide(g, IN2, o, NOW);
    }

    private static Action.Promote promoted(Action a) {
        assertThat(a).isInstanceOf(Action.Promote.class);
        return (Action.Promote) a;
    }

    private static Action.Wait waited(Action a, Action.WaitCause cause) {
        assertThat(a).isInstanceOf(Action.Wait.class);
        assertThat(((Action.Wait) a).cause()).as("wait cause of %s", a).isEqualTo(cause);
        return (Action.Wait) a;
    }

    private static Action.Hold held(Action a, Action.HoldCause cause) {
        assertThat(a).isInstanceOf(Action.Hold.class);
        assertThat(((Action.Hold) a).cause()).as("hold cause of %s", a).isEqualTo(cause);
        return (Action.Hold) a;
    }

    private static Action.Rollback rolledBack(Action a) {
        assertThat(a).isInstanceOf(Action.Rollback.class);
        return (Action.Rollback) a;
    }

    private static ObservedBuilder allOnT1(MachineGroup g) {
        return observed().built(T1, T2, T3).running(g.machines(), T1, NOW.minus(Duration.ofDays(30)));
    }

    private static Machine m(MachineGroup g, int i) {
        return g.machines().get(i);
    }

    @Nested
    class Windows {
        // Fridays 23:00 Berlin for 3h: 22:00Z Friday until 01:00Z Saturday in January.
        private final MachineGroup g = group("dc").timeZone("Europe/Berlin")
                .window(window("23:00", Duration.ofHours(3), FRIDAY)).build();

        @Test
        void outsideEveryWindowTheGroupWaitsUntilTheNextOpening() {
            Action.Wait w = waited(decide(g, IN2, allOnT1(g), Instant.parse("2026-01-14T03:00:00Z")), Action.WaitCause.WINDOW);
            assertThat(w.until()).contains(Instant.parse("2026-01-16T22:00:00Z"));
        }

        @Test
        void afterMidnightInsideAWindowThatStartedTheDayBeforeMachinesAreReleased() {
            Action.Promote p = promoted(decide(g, IN2, allOnT1(g), Instant.parse("2026-01-17T00:30:00Z")));
            assertThat(p.machines()).containsExactly("m00");
            assertThat(p.fromDigest()).contains(T1);
            assertThat(p.toDigest()).isEqualTo(T2);
        }

        @Test
        void theSecondTheWindowClosesReleasesStop() {
            waited(decide(g, IN2, allOnT1(g), Instant.parse("2026-01-17T01:00:00Z")), Action.WaitCause.WINDOW);
        }

        @Test
        void aWindowStartingInTheSkippedHourOpensAnHourLaterInRealTime() {
            MachineGroup spring = group("dc").timeZone("Europe/Berlin")
                    .window(window("02:30", Duration.ofHours(1), java.time.DayOfWeek.SUNDAY)).build();
            Action.Wait w = waited(decide(spring, IN2, allOnT1(spring), Instant.parse("2026-03-29T01:29:00Z")),
                    Action.WaitCause.WINDOW);
            assertThat(w.until()).contains(Instant.parse("2026-03-29T01:30:00Z"));
            promoted(decide(spring, IN2, allOnT1(spring), Instant.parse("2026-03-29T01:30:00Z")));
        }
    }

    @Nested
    class Rounding {
        @Test
        void twentyPercentOfFourMachinesIsOneNeverZero() {
            MachineGroup g = group("dc").machines(4).maxUnavailablePercent(20).build();
            assertThat(promoted(decide(g, allOnT1(g))).machines()).containsExactly("m00");
        }

        @Test
        void fiftyPercentOfFourMachinesIsTwo() {
            MachineGroup g = group("dc").machines(4).maxUnavailablePercent(50).build();
            assertThat(promoted(decide(g, allOnT1(g))).machines()).containsExactly("m00", "m01");
        }

        @Test
        void percentWavesOfTenMachinesAreCumulativeSharesOfTheGroup() {
            MachineGroup g = group("dc").machines(10).maxUnavailable(10)
                    .waves(machinesWave("canary", "m00"), percentWave("early", 30), percentWave("rest", 100)).build();
            List<List<Machine>> waves = Waves.members(g);
            assertThat(waves).extracting(List::size).containsExactly(1, 2, 7);
            assertThat(ObservedBuilder.names(waves.get(1))).containsExactlyInAnyOrder("m01", "m02");
        }

        @Test
        void aThirtyPercentFirstWaveOfTenIsThreeMachines() {
            MachineGroup g = group("dc").machines(10).maxUnavailable(10)
                    .waves(percentWave("early", 30), percentWave("rest", 100)).build();
            assertThat(promoted(decide(g, allOnT1(g))).machines()).containsExactly("m00", "m01", "m02");
        }

        @Test
        void aPercentWaveRoundsDownButNeverToZero() {
            MachineGroup g = group("dc").machines(3).waves(percentWave("tiny", 10), percentWave("rest", 100)).build();
            assertThat(Waves.members(g)).extracting(List::size).containsExactly(1, 2);
        }

        @Test
        void aDisruptionBudgetOfOnePerRackSpreadsABatchOverRacks() {
            MachineGroup g = group("dc").machines(Fleets.machinesInRacks(6, 2)).maxUnavailable(4).onePerRack().build();
            assertThat(promoted(decide(g, allOnT1(g))).machines()).containsExactly("m00", "m01");
        }

        @Test
        void aFullRackWaitsForItsBudgetWhileAnotherRackHasNothingLeft() {
            MachineGroup g = group("dc").machines(Fleets.machinesInRacks(4, 2)).maxUnavailable(4)
                    .budget("rack", new Quantity(1, false)).build();
            ObservedBuilder o = allOnT1(g)
                    .machine(States.updating(m(g, 0), T1, T2, NOW.minusSeconds(60)))  // r0, in flight
                    .machine(States.updated(m(g, 1), T2, NOW.minusSeconds(900), NOW.minusSeconds(600)))  // r1
                    .machine(States.updated(m(g, 3), T2, NOW.minusSeconds(900), NOW.minusSeconds(600)));  // r1
            waited(decide(g, o), Action.WaitCause.DISRUPTION_BUDGET);
        }
    }

    @Nested
    class SuccessThresholdAndBakeTime {
        private final MachineGroup g = group("dc").machines(10).maxUnavailable(10)
                .waves(threshold(percentWave("first", 50), 80), percentWave("rest", 100)).build();

        private ObservedBuilder firstWaveWith(int updated) {
            ObservedBuilder o = allOnT1(g);
            for (int i = 0; i < 5; i++) {
                o.machine(i < updated ? States.updated(m(g, i), T2, NOW.minusSeconds(3600), NOW.minusSeconds(1800 - i))
                        : States.updating(m(g, i), T1, T2, NOW.minusSeconds(3600)));
            }
            return o;
        }

        @Test
        void eightyPercentOfFiveNeedsFourSoThreeKeepTheNextWaveClosed() {
            Action.Wait w = waited(decide(g, firstWaveWith(3)), Action.WaitCause.MACHINES);
            assertThat(w.wave()).contains("first");
        }

        @Test
        void fourOfFiveOpenTheNextWave() {
            Action.Promote p = promoted(decide(g, firstWaveWith(4)));
            assertThat(p.wave()).isEqualTo("rest");
            assertThat(p.machines()).containsExactly("m05", "m06", "m07", "m08", "m09");
        }

        @Test
        void theNextWaveWaitsForTheBakeTimeUntilTheExactInstant() {
            MachineGroup baking = group("dc").machines(4).bakeTime(Duration.ofMinutes(30))
                    .waves(machinesWave("canary", "m00", "m01"), percentWave("rest", 100)).build();
            Instant t0 = NOW.minus(Duration.ofMinutes(20));
            ObservedBuilder o = allOnT1(baking)
                    .machine(States.updated(m(baking, 0), T2, t0.minusSeconds(600), t0.minusSeconds(300)))
                    .machine(States.updated(m(baking, 1), T2, t0.minusSeconds(600), t0)); // the threshold was met at t0
            Action.Wait w = waited(decide(baking, IN2, o, NOW), Action.WaitCause.BAKE_TIME);
            assertThat(w.until()).contains(t0.plus(Duration.ofMinutes(30)));
            assertThat(w.wave()).contains("rest");

            waited(decide(baking, IN2, o, t0.plus(Duration.ofMinutes(30)).minusSeconds(1)), Action.WaitCause.BAKE_TIME);
            assertThat(promoted(decide(baking, IN2, o, t0.plus(Duration.ofMinutes(30)))).wave()).isEqualTo("rest");
        }

        @Test
        void aWaveWithAZeroThresholdStillBakesFromWhenItWasReleased() {
            MachineGroup zero = group("dc").machines(4).bakeTime(Duration.ofHours(1))
                    .waves(threshold(machinesWave("canary", "m00"), 0), percentWave("rest", 100)).build();
            assertThat(promoted(decide(zero, allOnT1(zero))).machines()).containsExactly("m00");

            Instant releasedAt = NOW.minus(Duration.ofMinutes(10));
            ObservedBuilder o = allOnT1(zero).machine(States.updating(m(zero, 0), T1, T2, releasedAt));
            Action.Wait w = waited(decide(zero, o), Action.WaitCause.BAKE_TIME);
            assertThat(w.until()).contains(releasedAt.plus(Duration.ofHours(1)));
        }
    }

    @Nested
    class Timeouts {
        private final MachineGroup g = group("dc").machines(4).updateTimeout(Duration.ofHours(2)).haltAfter(1).build();

        @Test
        void aMachineReleasedTwoHoursAndOneSecondAgoHasFailed() {
            ObservedBuilder o = allOnT1(g).machine(States.updating(m(g, 0), T1, T2, NOW.minus(Duration.ofHours(2)).minusSeconds(1)));
            Action.Hold h = held(decide(g, o), Action.HoldCause.FAILURE_POLICY);
            assertThat(h.reason()).contains("m00");
        }

        @Test
        void aMachineReleasedExactlyTwoHoursAgoIsStillUpdating() {
            ObservedBuilder o = allOnT1(g).machine(States.updating(m(g, 0), T1, T2, NOW.minus(Duration.ofHours(2))));
            waited(decide(g, o), Action.WaitCause.MAX_UNAVAILABLE);
        }

        @Test
        void onlyTimeInsideTheWindowsCounts() {
            // Fridays 23:00 Berlin for 3h (22:00Z-01:00Z in January); released at 00:55Z, five minutes before it closed.
            MachineGroup windowed = group("dc").machines(4).updateTimeout(Duration.ofHours(2)).haltAfter(1)
                    .timeZone("Europe/Berlin").window(window("23:00", Duration.ofHours(3), FRIDAY)).build();
            ObservedBuilder o = allOnT1(windowed).machine(States.updating(m(windowed, 0), T1, T2,
                    Instant.parse("2026-01-17T00:55:00Z")));
            waited(decide(windowed, IN2, o, Instant.parse("2026-01-20T12:00:00Z")), Action.WaitCause.WINDOW);
            waited(decide(windowed, IN2, o, Instant.parse("2026-01-23T23:55:00Z")), Action.WaitCause.MAX_UNAVAILABLE);
            held(decide(windowed, IN2, o, Instant.parse("2026-01-23T23:55:01Z")), Action.HoldCause.FAILURE_POLICY);
        }
    }

    @Nested
    class ApprovalGate {
        private MachineGroup gated(Optional<String> approved) {
            Fleets.GroupBuilder b = group("dc").machines(4).holdAfter("canary")
                    .waves(machinesWave("canary", "m00"), percentWave("rest", 100));
            approved.ifPresent(b::approved);
            return b.build();
        }

        private ObservedBuilder canaryDone(MachineGroup g) {
            return allOnT1(g).machine(States.updated(m(g, 0), T2, NOW.minusSeconds(7200), NOW.minusSeconds(3600)));
        }

        @Test
        void theCanaryIsReleasedWithoutApproval() {
            assertThat(promoted(decide(gated(Optional.empty()), allOnT1(gated(Optional.empty())))).wave()).isEqualTo("canary");
        }

        @Test
        void afterTheHoldWaveTheRolloutHoldsUntilApprovedNamesTheTarget() {
            MachineGroup g = gated(Optional.empty());
            Action.Hold h = held(decide(g, canaryDone(g)), Action.HoldCause.APPROVAL);
            assertThat(h.reason()).contains("canary").contains(T2);
        }

        @Test
        void anApprovalOfAnotherDigestDoesNotOpenTheGate() {
            MachineGroup g = gated(Optional.of(T1));
            held(decide(g, canaryDone(g)), Action.HoldCause.APPROVAL);
        }

        @Test
        void anApprovalOfTheTargetLetsTheNextWaveGo() {
            MachineGroup g = gated(Optional.of(T2));
            assertThat(promoted(decide(g, canaryDone(g))).wave()).isEqualTo("rest");
        }

        @Test
        void aMachineOfTheNextWaveThatAlreadyRunsTheTargetDoesNotOpenTheGate() {
            // m03 was provisioned on T2: it runs the target without having been released for it.
            MachineGroup g = gated(Optional.empty());
            ObservedBuilder o = canaryDone(g).machine(States.running(m(g, 3), T2, NOW.minusSeconds(60)));
            held(decide(g, o), Action.HoldCause.APPROVAL);
        }
    }

    @Nested
    class FailurePolicy {
        @Test
        void haltHoldsTheGroupAtMaxFailures() {
            MachineGroup g = group("dc").machines(4).maxUnavailable(2).haltAfter(1).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1).machine(States.failed(m(g, 1), T1, T2, NOW.minusSeconds(60)));
            Action.Hold h = held(decide(g, o), Action.HoldCause.FAILURE_POLICY);
            assertThat(h.reason()).contains("1 machine(s) failed").contains("m01").contains("halted");
        }

        @Test
        void belowMaxFailuresTheRolloutGoesOnAroundTheFailedMachine() {
            MachineGroup g = group("dc").machines(4).maxUnavailable(2).haltAfter(2).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1).machine(States.failed(m(g, 0), T1, T2, NOW.minusSeconds(60)));
            assertThat(promoted(decide(g, o)).machines()).containsExactly("m01", "m02");
        }

        @Test
        void aWaveThatCannotMeetItsThresholdForFailuresBelowTheLimitWaitsAndSaysWhichFailed() {
            MachineGroup g = group("dc").machines(4).haltAfter(2)
                    .waves(machinesWave("canary", "m00"), percentWave("rest", 100)).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1).machine(States.failed(m(g, 0), T1, T2, NOW.minusSeconds(60)));
            Action.Wait w = waited(decide(g, o), Action.WaitCause.MACHINES);
            assertThat(w.reason()).isEqualTo("wave canary: waiting for 0 machine(s) to boot " + BuildPlanner.short12(T2)
                    + "; 1 failed (m00), fewer than maxFailures 2, and wait for a repair");
        }

        @Test
        void aHaltedGroupStaysHeldForTheSameTarget() {
            MachineGroup g = group("dc").machines(4).haltAfter(1).build();
            ObservedBuilder o = allOnT1(g).group(new GroupState("dc", Optional.of(T2), Optional.of(T1), Optional.of(NOW),
                    GroupState.Status.HALTED, Set.of(), false));
            held(decide(g, o), Action.HoldCause.FAILURE_POLICY);
        }

        @Test
        void rollbackMovesFailedMachinesFirstThenTheUpdatedOnesBackToThePreviousDigest() {
            MachineGroup g = group("dc").machines(4).maxUnavailable(2).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1)
                    .machine(States.updated(m(g, 0), T2, NOW.minusSeconds(3600), NOW.minusSeconds(3000)))
                    .machine(States.failed(m(g, 1), T1, T2, NOW.minusSeconds(600)));
            Action.Rollback r = rolledBack(decide(g, o));
            assertThat(r.fromDigest()).isEqualTo(T2);
            assertThat(r.toDigest()).isEqualTo(T1);
            assertThat(r.machines()).containsExactly("m01", "m00");
        }

        @Test
        void rollbackIsBatchedUnderMaxUnavailableAndIgnoresWindows() {
            MachineGroup g = group("dc").machines(4).maxUnavailable(1).rollBackAfter(1)
                    .window(window("23:00", Duration.ofHours(1), FRIDAY)).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1)
                    .machine(States.updated(m(g, 0), T2, NOW.minusSeconds(3600), NOW.minusSeconds(3000)))
                    .machine(States.updated(m(g, 1), T2, NOW.minusSeconds(3600), NOW.minusSeconds(3000)))
                    .machine(States.failed(m(g, 2), T1, T2, NOW.minusSeconds(600)));
            // m02 never left T1, so releasing it back takes no slot; the one slot goes to m00, and m01 waits.
            assertThat(rolledBack(decide(g, o)).machines()).containsExactly("m02", "m00");
        }

        @Test
        void aTimedOutMachineStillOnThePreviousDigestIsReleasedBackToItAndFreesItsSlot() {
            // m01 never left T1 and never reported: it is in flight for T2 until it is released back.
            MachineGroup g = group("dc").machines(4).maxUnavailable(1).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).rolling("dc", T2, T1)
                    .machine(States.updated(m(g, 0), T2, NOW.minusSeconds(4 * 3600), NOW.minusSeconds(3 * 3600)))
                    .machine(States.updating(m(g, 1), T1, T2, NOW.minus(Duration.ofHours(3))));
            Action.Rollback r = rolledBack(decide(g, o));
            assertThat(r.machines()).as("m00 would be a second machine in flight").containsExactly("m01");
        }

        @Test
        void afterApplyRejectedTheDigestTheRemainingMachinesMoveBackAndItIsNeverOffered() {
            MachineGroup g = group("dc").machines(4).maxUnavailable(1).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).group(rolledBackFrom(T2))
                    .machine(States.updated(m(g, 0), T2, NOW.minusSeconds(3600), NOW.minusSeconds(3000)))
                    .machine(States.updated(m(g, 1), T1, NOW.minusSeconds(600), NOW.minusSeconds(300)));
            Action.Rollback r = rolledBack(decide(g, o));
            assertThat(r.machines()).containsExactly("m00");
            assertThat(r.toDigest()).isEqualTo(T1);
        }

        @Test
        void onceEveryMachineIsBackTheGroupHoldsOnTheRejectedDigest() {
            MachineGroup g = group("dc").machines(4).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).group(rolledBackFrom(T2))
                    .machine(States.updated(m(g, 0), T1, NOW.minusSeconds(600), NOW.minusSeconds(300)));
            Action.Hold h = held(decide(g, o), Action.HoldCause.REJECTED_DIGEST);
            assertThat(h.reason()).contains("never offered again");
        }

        @Test
        void aRolledBackDigestIsNeverAPlaceToRollBackTo() {
            // T3 fails; the only recorded earlier digest is T2, which was rejected before: halt, do not go there.
            MachineGroup g = group("dc").machines(4).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).group(new GroupState("dc", Optional.of(T3), Optional.of(T2), Optional.of(NOW),
                            GroupState.Status.ROLLING, Set.of(T2), false))
                    .machine(States.failed(m(g, 0), T1, T3, NOW.minusSeconds(60)));
            held(decide(g, IN3, o, NOW), Action.HoldCause.FAILURE_POLICY);
        }

        @Test
        void aNewCommitAfterARollbackRollsForwardAgain() {
            MachineGroup g = group("dc").machines(4).rollBackAfter(1).build();
            ObservedBuilder o = allOnT1(g).group(rolledBackFrom(T2));
            Action.Promote p = promoted(decide(g, IN3, o, NOW));
            assertThat(p.toDigest()).isEqualTo(T3);
            assertThat(p.fromDigest()).contains(T1);
        }

        private GroupState rolledBackFrom(String rejected) {
            return new GroupState("dc", Optional.of(T1), Optional.of(rejected), Optional.of(NOW.minusSeconds(3600)),
                    GroupState.Status.ROLLED_BACK, Set.of(rejected), false);
        }
    }

    @Nested
    class NewTargetMidRollout {
        private final MachineGroup g = group("dc").machines(4).maxUnavailable(2)
                .waves(percentWave("half", 50), percentWave("rest", 100)).build();

        /** m00 runs T2, m01 is still moving to T2, m02 and m03 run T1. */
        private ObservedBuilder halfwayToT2() {
            return allOnT1(g).rolling("dc", T2, T1)
                    .machine(States.updated(m(g, 0), T2, NOW.minusSeconds(3600), NOW.minusSeconds(3000)))
                    .machine(States.updating(m(g, 1), T1, T2, NOW.minusSeconds(300)));
        }

        @Test
        void wavesRestartFromTheFirstAndTheMachineStillMovingToTheOldTargetKeepsItsSlot() {
            Action.Promote p = promoted(decide(g, IN3, halfwayToT2(), NOW));
            assertThat(p.wave()).isEqualTo("half");
            assertThat(p.toDigest()).isEqualTo(T3);
            assertThat(p.fromDigest()).contains(T2);
            assertThat(p.machines()).containsExactly("m00");
        }

        @Test
        void withOneSlotTheMachineStillMovingToTheOldTargetBlocksTheNewOne() {
            MachineGroup one = group("dc").machines(4).maxUnavailable(1)
                    .waves(percentWave("half", 50), percentWave("rest", 100)).build();
            waited(decide(one, IN3, halfwayToT2(), NOW), Action.WaitCause.MAX_UNAVAILABLE);
        }

        @Test
        void aWaveWhoseOnlyMachinesAreStillMovingToTheOldTargetWaitsForThem() {
            MachineGroup canary = group("dc").machines(4).maxUnavailable(2)
                    .waves(machinesWave("canary", "m01"), percentWave("rest", 100)).build();
            Action.Wait w = waited(decide(canary, IN3, halfwayToT2(), NOW), Action.WaitCause.MACHINES);
            assertThat(w.wave()).contains("canary");
        }
    }

    @Nested
    class Holds {
        @Test
        void aGroupPausedInTheSpecHolds() {
            MachineGroup g = group("dc").paused().build();
            Action.Hold h = held(decide(g, allOnT1(g)), Action.HoldCause.PAUSED);
            assertThat(h.reason()).contains("paused in the spec").contains("0/4");
        }

        @Test
        void aGroupPausedByAnOperatorHolds() {
            MachineGroup g = group("dc").build();
            ObservedBuilder o = allOnT1(g).group(new GroupState("dc", Optional.of(T2), Optional.of(T1), Optional.of(NOW),
                    GroupState.Status.ROLLING, Set.of(), true));
            assertThat(held(decide(g, o), Action.HoldCause.PAUSED).reason()).contains("paused by an operator");
        }
    }

    @Test
    void aGroupWaitsForTheBuildOfItsImage() {
        MachineGroup g = group("dc").build();
        ObservedBuilder o = observed().built(T1).running(g.machines(), T1, NOW);
        Action.Wait w = waited(decide(g, o), Action.WaitCause.BUILD);
        assertThat(w.reason()).contains("app");
        Plan plan = Planner.plan(Fleets.desired(IN2, g), o.build(), NOW);
        assertThat(plan.actions()).anySatisfy(a -> assertThat(a).isInstanceOf(Action.BuildImage.class));
    }

    @Test
    void anUnchangedFullyRolledOutFleetPlansOnlyNoOps() {
        MachineGroup g = group("dc").machines(6).maxUnavailable(2).holdAfter("canary").bakeTime(Duration.ofHours(1))
                .waves(machinesWave("canary", "m00"), percentWave("rest", 100))
                .window(window("23:00", Duration.ofHours(1), FRIDAY)).build();
        MachineGroup provisioned = group("edge").machines(List.of(Fleets.machine(10, Map.of()), Fleets.machine(11, Map.of())))
                .holdAfter("canary").waves(machinesWave("canary", "m10"), percentWave("rest", 100)).build();
        InputsDigest inputs = new InputsDigest(Fleets.APP, IN2, Fleets.BASE, List.of());
        Observed o = observed().built(T2).previousInputs(inputs)
                .group(new GroupState("dc", Optional.of(T2), Optional.of(T1), Optional.of(NOW.minusSeconds(86400)),
                        GroupState.Status.DONE, Set.of(), false))
                .updated(g.machines(), T2, NOW.minusSeconds(3600))
                .running(provisioned.machines(), T2, NOW.minusSeconds(60)) // provisioned on T2, never released
                .build();
        Plan plan = Planner.plan(Fleets.desired(IN2, g, provisioned), o, NOW);
        assertThat(plan.actions()).hasSize(3).allSatisfy(a -> assertThat(a).isInstanceOf(Action.NoOp.class));
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.actions().get(1).reason()).isEqualTo("all 6 machines run " + BuildPlanner.short12(T2));
    }

    @Test
    void theSameInputsGiveTheSamePlan() {
        MachineGroup g = group("dc").machines(10).maxUnavailable(3).build();
        Observed o = allOnT1(g).build();
        assertThat(Planner.plan(Fleets.desired(IN2, g), o, NOW)).isEqualTo(Planner.plan(Fleets.desired(IN2, g), o, NOW));
    }
}
