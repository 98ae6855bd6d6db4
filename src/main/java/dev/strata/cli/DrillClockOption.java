package dev.strata.cli;

import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.Optional;

/** {@code --drill-clock}, for the commands whose decisions depend on the time: serve, reconcile, status. */
final class DrillClockOption {
    @Option(names = "--drill-clock", paramLabel = "start=INSTANT[,speed=N][,since=INSTANT]",
            description = "Drills and demos only: Strata's time reads START when the real time is SINCE (default: now)"
                    + " and runs N times faster (1-" + DrillClock.MAX_SPEED + ", default 1). Give several commands the"
                    + " same value and they agree on the time. See docs/cli.md.")
    Optional<String> value = Optional.empty();

    /** The drill clock when one is asked for, else {@code real}. */
    Optional<DrillClock> drill(Clock real) {
        if (value.isEmpty()) return Optional.empty();
        try {
            return Optional.of(DrillClock.parse(value.get(), real));
        } catch (IllegalArgumentException e) {
            throw new UserError("--drill-clock: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    /** Refuses --now together with --drill-clock: two answers to "what time is it". */
    void notWith(Optional<?> now) {
        if (value.isPresent() && now.isPresent()) {
            throw new UserError("--now and --drill-clock both set the time: give one of them", ExitCodes.USAGE);
        }
    }
}
