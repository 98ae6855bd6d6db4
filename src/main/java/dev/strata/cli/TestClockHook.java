package dev.strata.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * TEST HOOK, for the test suite only, like {@link CrashTestHook}. With {@code -Dstrata.test.clockFile=FILE},
 * {@code strata serve} takes the time from FILE, one ISO-8601 instant that the test rewrites (atomically) as
 * its simulated clock moves, instead of the system clock: the end-to-end tests run a serve in a child JVM,
 * kill it with SIGKILL and start it again, all on simulated time. Without the property: the system clock.
 */
final class TestClockHook {
    static final String PROPERTY = "strata.test.clockFile";

    private TestClockHook() {
    }

    static Clock clock() {
        String file = System.getProperty(PROPERTY);
        return file == null ? Clock.systemUTC() : new FileClock(Path.of(file));
    }

    private static final class FileClock extends Clock {
        private final Path file;

        FileClock(Path file) {
            this.file = file;
        }

        @Override
        public Instant instant() {
            try {
                return Instant.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("the test clock file " + file + " cannot be read", e);
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is UTC");
        }
    }
}
