package dev.strata.scenario;

import dev.strata.cli.ExitCodes;
import dev.strata.scenario.Scenario.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two processes apply against one state file: the run lock lets one in at a time, and says who holds it. */
class ConcurrentApplyTest {
    @TempDir
    Path dir;

    @Test
    void aSecondApplyIsTurnedAwayNamingTheHolderOrWaitsForIt() throws Exception {
        Path repo = dir.resolve("repo");
        Scenario.upTo(Step.INITIAL_FLEET, repo).repo.close();
        World world = new World(repo, dir.resolve("state.db"));
        world.buildAll(world.at("HEAD"), Instant.parse("2026-11-26T12:00:00Z"));
        Path plan = dir.resolve("plan.json");
        assertThat(Strata.run("plan", "--repo", repo.toString(), "--state", world.state.toString(), "--now", Strata.NOW,
                "--out", plan.toString()).exitCode()).isZero();
        String[] apply = {"apply", plan.toString(), "--repo", repo.toString(), "--state", world.state.toString(), "--now", Strata.NOW};

        Process holder = holdLock(world.state, Duration.ofSeconds(60));
        try {
            Strata.Run refused = Strata.child(List.of(), apply);
            assertThat(refused.exitCode()).as("%s", refused).isEqualTo(ExitCodes.LOCKED);
            assertThat(refused.err()).contains("another strata run (pid " + holder.pid() + " on ",
                    "\"strata apply (test holder)\"", "holds the run lock on " + world.state);
            assertThat(refused.out()).isEmpty();
        } finally {
            holder.destroyForcibly().waitFor();
        }

        holder = holdLock(world.state, Duration.ofSeconds(4));
        long locked = System.nanoTime();
        try {
            Strata.Run waited = Strata.child(List.of(), Strata.plus(apply, "--wait", "10s"));
            assertThat(waited.exitCode()).as("%s", waited).isEqualTo(ExitCodes.OK);
            assertThat(waited.out()).contains("applied ~ dc-east: wave canary").endsWith("Apply: 1 applied, 0 failed.\n");
            // It could not have applied before the holder let go, 4 seconds after it said "locked".
            assertThat(Duration.ofNanos(System.nanoTime() - locked)).isGreaterThan(Duration.ofMillis(3500));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** A child JVM holding the run lock for {@code time}; returns once it holds it. */
    static Process holdLock(Path state, Duration time) throws Exception {
        Process p = Strata.start(List.of(), HoldRunLock.class, state.toString(), Long.toString(time.toMillis()));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            throw new AssertionError("lock holder said " + line + "; stderr: " + err);
        }
        return p;
    }
}
