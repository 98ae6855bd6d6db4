package dev.strata.cli;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrillClockTest {
    static final Instant REAL = Instant.parse("2025-11-26T10:00:00Z");

    /** A real clock the test moves by hand. */
    static final class Hand extends Clock {
        Instant now = REAL;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void readsStartAtSinceAndRunsSpeedTimesFaster() {
        Hand real = new Hand();
        DrillClock c = DrillClock.parse("start=2026-11-27T00:20:00+01:00,speed=120,since=2025-11-26T09:59:50Z", real);

        assertThat(c.instant()).as("10 real seconds after since").isEqualTo(Instant.parse("2026-11-26T23:40:00Z"));
        real.now = REAL.plus(Duration.ofSeconds(15));
        assertThat(c.instant()).as("30 minutes of bake time in 15 real seconds").isEqualTo(Instant.parse("2026-11-27T00:10:00Z"));
        assertThat(c.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(c.spec()).isEqualTo("start=2026-11-26T23:20:00Z,speed=120,since=2025-11-26T09:59:50Z");
        assertThat(c.describe()).contains("2026-11-26T23:20:00Z", "120x real time", "not for a real fleet");
    }

    @Test
    void speedDefaultsToOneAndSinceToNow() {
        Hand real = new Hand();
        DrillClock c = DrillClock.parse("start=2026-11-27T00:20:00Z", real);
        real.now = REAL.plusSeconds(90);
        assertThat(c.instant()).isEqualTo(Instant.parse("2026-11-27T00:21:30Z"));
    }

    @Test
    void twoProcessesGivenTheSameValueAgree() {
        Hand real = new Hand();
        String value = "start=2026-11-27T00:20:00Z,speed=60,since=2025-11-26T10:00:00Z";
        DrillClock serve = DrillClock.parse(value, real);
        real.now = REAL.plusSeconds(42);
        DrillClock status = DrillClock.parse(value, real);
        assertThat(status.instant()).isEqualTo(serve.instant()).isEqualTo(Instant.parse("2026-11-27T01:02:00Z"));
    }

    @Test
    void badValuesSayWhatIsWrong() {
        Clock real = Clock.fixed(REAL, ZoneOffset.UTC);
        assertThatThrownBy(() -> DrillClock.parse("speed=10", real)).hasMessageContaining("start=INSTANT is missing");
        assertThatThrownBy(() -> DrillClock.parse("start=tomorrow", real)).hasMessageContaining("start='tomorrow' is not an ISO-8601 time");
        assertThatThrownBy(() -> DrillClock.parse("start=2026-11-27T00:20:00", real)).as("no offset")
                .hasMessageContaining("with an offset");
        assertThatThrownBy(() -> DrillClock.parse("start=2026-11-27T00:20:00Z,speed=0", real)).hasMessageContaining("from 1 to 3600");
        assertThatThrownBy(() -> DrillClock.parse("start=2026-11-27T00:20:00Z,speed=3601", real)).hasMessageContaining("from 1 to 3600");
        assertThatThrownBy(() -> DrillClock.parse("start=2026-11-27T00:20:00Z,speed=-5", real)).hasMessageContaining("speed='-5'");
        assertThatThrownBy(() -> DrillClock.parse("start=2026-11-27T00:20:00Z,pace=2", real)).hasMessageContaining("'pace=2' is not");
        assertThatThrownBy(() -> DrillClock.parse("2026-11-27T00:20:00Z", real)).hasMessageContaining("is not start=INSTANT");
    }
}
