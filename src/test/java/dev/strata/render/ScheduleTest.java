package dev.strata.render;

import dev.strata.plan.Action;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Window;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static dev.strata.render.Fixtures.BERLIN;
import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTest {
    /** Weeknights 22:00 for 4h: Friday's window runs into Saturday, which is not a window day. */
    static final Window LATE = new Window(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(22, 0), Duration.ofHours(4));
    static final Action WAIT_BUILD = new Action.Wait("dc-east", Optional.empty(), Action.WaitCause.BUILD, Optional.empty(), "build");

    static Instant berlin(String local) {
        return java.time.LocalDateTime.parse(local).atZone(BERLIN).toInstant();
    }

    static MachineGroup group(Duration bake) {
        return Fixtures.dcEast(Fixtures.rollout(List.of(LATE), bake, BERLIN));
    }

    @Test
    void wavesFollowAWindowAcrossMidnightAndTheWeekend() {
        Instant fridayNight = berlin("2026-03-06T23:30");

        List<Schedule.Row> rows = Schedule.of(group(Duration.ofHours(2)), WAIT_BUILD, fridayNight);

        assertThat(rows).extracting(Schedule.Row::wave).containsExactly("canary", "early", "rest");
        assertThat(rows).extracting(Schedule.Row::machines).containsExactly(1, 2, 7);
        assertThat(rows).extracting(r -> r.start().orElseThrow()).containsExactly(
                fridayNight,                     // Friday's window is open
                berlin("2026-03-07T01:30"),      // Saturday 01:30: still Friday's window, which ends at 02:00
                berlin("2026-03-09T22:00"));     // Saturday 03:30 is outside; the next window is Monday night
    }

    @Test
    void rendersTimesInTheGroupsZoneAndUtc() {
        Instant fridayNight = berlin("2026-03-06T23:30");

        String md = GroupSection.render(group(Duration.ofHours(2)), WAIT_BUILD, fridayNight);

        assertThat(md).contains("| canary | 1 | Fri 2026-03-06 23:30 (now) | Fri 2026-03-06 22:30 (now) |\n")
                .contains("| early | 2 | Sat 2026-03-07 01:30 | Sat 2026-03-07 00:30 |\n")
                .contains("| rest | 7 | Mon 2026-03-09 22:00 | Mon 2026-03-09 21:00 |\n")
                .contains("windows Mon/Tue/Wed/Thu/Fri 22:00 for 4h (Europe/Berlin)");
    }

    @Test
    void outsideTheWindowTheFirstWaveWaitsForTheNextOpening() {
        Instant mondayNoon = berlin("2026-03-02T12:00");

        List<Schedule.Row> rows = Schedule.of(group(Duration.ofMinutes(30)), WAIT_BUILD, mondayNoon);

        assertThat(rows).extracting(r -> r.start().orElseThrow())
                .containsExactly(berlin("2026-03-02T22:00"), berlin("2026-03-02T22:30"), berlin("2026-03-02T23:00"));
    }

    @Test
    void aBakingGroupSchedulesFromTheEndOfTheBake() {
        Instant now = berlin("2026-03-02T23:00");
        Instant baked = berlin("2026-03-03T01:00");
        Action wait = new Action.Wait("dc-east", Optional.of("rest"), Action.WaitCause.BAKE_TIME, Optional.of(baked), "baking");

        List<Schedule.Row> rows = Schedule.of(group(Duration.ofHours(2)), wait, now);

        assertThat(rows).extracting(Schedule.Row::note).containsExactly("started", "started", "");
        assertThat(rows.get(2).start()).contains(baked);
    }

    @Test
    void aPromotionStartsItsWaveNowAndTheRestAfterBaking() {
        Instant now = berlin("2026-03-02T22:15");
        Action promote = new Action.Promote("dc-east", "early", Optional.empty(), Fixtures.D2, List.of("dc-east-02"), "release");

        List<Schedule.Row> rows = Schedule.of(group(Duration.ofMinutes(30)), promote, now);

        assertThat(rows.get(0).note()).isEqualTo("started");
        assertThat(rows.get(1).start()).contains(now);
        assertThat(rows.get(2).start()).contains(berlin("2026-03-02T22:45"));
    }

    @Test
    void aHeldGroupHasNoTimes() {
        Action hold = new Action.Hold("dc-east", Action.HoldCause.PAUSED, "paused");

        assertThat(Schedule.of(group(Duration.ZERO), hold, Fixtures.NOW))
                .allSatisfy(r -> assertThat(r.start()).isEmpty())
                .extracting(Schedule.Row::note).containsOnly("held (paused)");
    }

    @Test
    void aGroupInUtcGetsOneTimeColumn() {
        MachineGroup g = Fixtures.dcEast(Fixtures.rollout(List.of(), Duration.ofMinutes(10), ZoneId.of("UTC")));

        String md = GroupSection.render(g, WAIT_BUILD, Fixtures.NOW);

        assertThat(md).contains("| Wave | Machines | Could start¹ (UTC) |\n|---|---:|---|\n")
                .contains("| early | 2 | Mon 2026-03-02 00:10 |\n").contains("no maintenance windows (any time)");
        assertThat(ZonedDateTime.ofInstant(Fixtures.NOW, BERLIN).getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    }
}
