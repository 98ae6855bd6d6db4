package dev.strata.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.scenario.Scenario.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** --drill-clock on the commands: status judges as of the drill time; with --now, or malformed, it is a usage error. */
class DrillClockCommandTest {
    @TempDir
    Path dir;

    @Test
    void statusJudgesAsOfTheDrillTime() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        Instant since = Instant.now().minusSeconds(10);
        Instant before = Instant.now();
        Strata.Run r = Strata.run("status", "--repo", repo.toString(), "--state", dir.resolve("state.db").toString(), "--format", "json",
                "--drill-clock", "start=2026-11-27T00:30:00Z,speed=60,since=" + since);
        Instant after = Instant.now();
        assertThat(r.exitCode()).as("%s", r).isZero();

        Instant at = Instant.parse(new ObjectMapper().readTree(r.out()).get("at").asText());
        Instant start = Instant.parse("2026-11-27T00:30:00Z");
        assertThat(at).isBetween(start.plus(Duration.between(since, before).multipliedBy(60)),
                start.plus(Duration.between(since, after).multipliedBy(60)));
    }

    @Test
    void withNowOrMalformedItIsAUsageError() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        String[] common = {"--repo", repo.toString(), "--state", dir.resolve("state.db").toString()};
        for (String command : new String[]{"status", "reconcile"}) {
            Strata.Run both = Strata.run(Strata.plus(new String[]{command, "--now", "2026-11-27T00:30:00Z",
                    "--drill-clock", "start=2026-11-27T00:30:00Z"}, common));
            assertThat(both.exitCode()).as("%s", both).isEqualTo(64);
            assertThat(both.err()).contains("--now and --drill-clock both set the time");

            Strata.Run bad = Strata.run(Strata.plus(new String[]{command, "--drill-clock", "start=2026-11-27T00:30:00Z,speed=fast"}, common));
            assertThat(bad.exitCode()).as("%s", bad).isEqualTo(64);
            assertThat(bad.err()).contains("--drill-clock: speed='fast' is not a whole number from 1 to 3600");
        }
    }
}
