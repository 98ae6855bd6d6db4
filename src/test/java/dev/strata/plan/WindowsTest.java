package dev.strata.plan;

import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.strata.plan.Fleets.group;
import static dev.strata.plan.Fleets.window;
import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;

/** Maintenance windows read in a time zone: across midnight and across daylight-saving changes. */
class WindowsTest {

    private static Rollout berlin(dev.strata.spec.Window w) {
        MachineGroup g = group("dc").timeZone("Europe/Berlin").window(w).build();
        return g.rollout();
    }

    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Nested
    class UpdateTimeout {
        // Weekdays 01:00-05:00 in Berlin (UTC+1 in November): 00:00Z-04:00Z. Update timeout 1h.
        private final Rollout r = group("dc").timeZone("Europe/Berlin").updateTimeout(Duration.ofHours(1))
                .window(window("01:00", Duration.ofHours(4), java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.TUESDAY,
                        java.time.DayOfWeek.WEDNESDAY, java.time.DayOfWeek.THURSDAY, FRIDAY)).build().rollout();
        // Released on Thursday at 04:56 in Berlin: four minutes of window left.
        private final Instant released = at("2026-11-26T03:56:00Z");

        @Test
        void onlyTimeInsideTheWindowsCounts() {
            assertThat(Windows.openBetween(r, released, at("2026-11-26T12:00:00Z"))).isEqualTo(Duration.ofMinutes(4));
            assertThat(Windows.openBetween(r, released, at("2026-11-27T00:30:00Z"))).isEqualTo(Duration.ofMinutes(34));
            assertThat(Windows.openBetween(r, at("2026-11-26T00:00:00Z"), at("2026-11-30T12:00:00Z")))
                    .as("Thursday, Friday and Monday nights; none at the weekend").isEqualTo(Duration.ofHours(12));
        }

        @Test
        void aMachineReleasedAsTheWindowClosesIsNotTimedOutUntilAnHourOfWindowHasPassed() {
            assertThat(Windows.timedOut(r, released, at("2026-11-26T05:30:00Z"))).as("an hour and a half later, at day").isFalse();
            assertThat(Windows.timedOut(r, released, at("2026-11-27T00:56:00Z"))).as("exactly an hour of window").isFalse();
            assertThat(Windows.timedOut(r, released, at("2026-11-27T00:56:01Z"))).isTrue();
        }

        @Test
        void withoutWindowsEveryMinuteCounts() {
            Rollout always = group("dc").updateTimeout(Duration.ofHours(1)).build().rollout();
            assertThat(Windows.timedOut(always, released, released.plus(Duration.ofHours(1)))).isFalse();
            assertThat(Windows.timedOut(always, released, released.plus(Duration.ofHours(1)).plusSeconds(1))).isTrue();
        }

        @Test
        void overlappingWindowsCountOnce() {
            Rollout twice = group("dc").updateTimeout(Duration.ofHours(1))
                    .window(window("01:00", Duration.ofHours(2), FRIDAY)).window(window("02:00", Duration.ofHours(2), FRIDAY))
                    .build().rollout();
            assertThat(Windows.openBetween(twice, at("2026-11-27T00:00:00Z"), at("2026-11-28T00:00:00Z"))).isEqualTo(Duration.ofHours(3));
        }
    }

    @Nested
    class AcrossMidnight {
        // Fridays 23:00 Berlin for 3h; in January Berlin is UTC+1, so 22:00Z Friday until 01:00Z Saturday.
        private final Rollout r = berlin(window("23:00", Duration.ofHours(3), FRIDAY));

        @Test
        void isClosedJustBeforeItStarts() {
            assertThat(Windows.isOpen(r, at("2026-01-09T21:59:59Z"))).isFalse();
        }

        @Test
        void opensAtItsLocalStart() {
            assertThat(Windows.isOpen(r, at("2026-01-09T22:00:00Z"))).isTrue();
        }

        @Test
        void staysOpenPastMidnightIntoSaturdayAlthoughSaturdayIsNotOneOfItsDays() {
            assertThat(Windows.isOpen(r, at("2026-01-10T00:30:00Z"))).isTrue();
        }

        @Test
        void closesAfterItsLength() {
            assertThat(Windows.isOpen(r, at("2026-01-10T00:59:59Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-01-10T01:00:00Z"))).isFalse();
        }

        @Test
        void nextOpeningFromSaturdayIsTheFollowingFridayNight() {
            assertThat(Windows.nextOpening(r, at("2026-01-10T12:00:00Z"))).contains(at("2026-01-16T22:00:00Z"));
        }

        @Test
        void aWindowOverTheEndOfTheWeekRunsIntoMonday() {
            Rollout sunday = berlin(window("23:00", Duration.ofHours(2), SUNDAY));
            assertThat(Windows.isOpen(sunday, at("2026-01-11T23:30:00Z"))).isTrue(); // Monday 00:30 local
            assertThat(Windows.isOpen(sunday, at("2026-01-12T00:00:00Z"))).isFalse(); // Monday 01:00 local
        }
    }

    @Nested
    class AcrossDaylightSavingTime {
        // Berlin skips 02:00-03:00 on Sunday 29 March 2026 and repeats 02:00-03:00 on Sunday 25 October 2026.

        @Test
        void aStartInTheSkippedHourMovesForwardByTheGap() {
            // 02:30 does not exist that night; java.time moves it to 03:30 CEST, which is 01:30Z.
            Rollout r = berlin(window("02:30", Duration.ofHours(1), SUNDAY));
            assertThat(Windows.isOpen(r, at("2026-03-29T01:29:59Z"))).isFalse();
            assertThat(Windows.isOpen(r, at("2026-03-29T01:30:00Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-03-29T02:29:59Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-03-29T02:30:00Z"))).isFalse();
            assertThat(Windows.nextOpening(r, at("2026-03-28T12:00:00Z"))).contains(at("2026-03-29T01:30:00Z"));
        }

        @Test
        void aWindowSpanningTheSpringChangeKeepsItsRealLength() {
            // 01:00 CET (00:00Z) for 3h closes at 03:00Z, which the wall clock shows as 05:00 CEST.
            Rollout r = berlin(window("01:00", Duration.ofHours(3), SUNDAY));
            assertThat(Windows.isOpen(r, at("2026-03-29T00:00:00Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-03-29T02:59:59Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-03-29T03:00:00Z"))).isFalse();
        }

        @Test
        void aWindowSpanningTheAutumnChangeKeepsItsRealLength() {
            // 01:00 CEST (23:00Z Saturday) for 4h closes at 03:00Z, which the wall clock shows as 04:00 CET.
            Rollout r = berlin(window("01:00", Duration.ofHours(4), SUNDAY));
            assertThat(Windows.isOpen(r, at("2026-10-24T22:59:59Z"))).isFalse();
            assertThat(Windows.isOpen(r, at("2026-10-24T23:00:00Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-10-25T02:59:59Z"))).isTrue();
            assertThat(Windows.isOpen(r, at("2026-10-25T03:00:00Z"))).isFalse();
        }

        @Test
        void aStartInTheRepeatedHourIsItsFirstOccurrence() {
            // 02:30 happens twice on 25 October; the window opens at the first, 02:30 CEST = 00:30Z.
            Rollout r = berlin(window("02:30", Duration.ofMinutes(30), SUNDAY));
            assertThat(Windows.nextOpening(r, at("2026-10-24T12:00:00Z"))).contains(at("2026-10-25T00:30:00Z"));
            assertThat(Windows.isOpen(r, at("2026-10-25T01:00:00Z"))).isFalse();
        }
    }

    @Test
    void noWindowsMeansAlwaysOpenAndNoNextOpening() {
        Rollout r = group("any").build().rollout();
        assertThat(Windows.isOpen(r, at("2026-01-14T03:00:00Z"))).isTrue();
        assertThat(Windows.nextOpening(r, at("2026-01-14T03:00:00Z"))).isEmpty();
    }
}
