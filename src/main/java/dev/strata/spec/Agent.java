package dev.strata.spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The Strata host agent a group's image carries (docs/agent.md): for bootc delivery the agent that
 * stages, locks, reboots and reports; for zincati delivery only its connectivity check. After a host
 * boots a new deployment it must reach {@code strata serve} and pass every check within
 * {@code connectivityTimeout}, or it rolls itself back.
 */
public record Agent(boolean enabled, Duration connectivityTimeout, List<Check> checks) {
    public static final Duration DEFAULT_CONNECTIVITY_TIMEOUT = Duration.ofMinutes(10);
    public static final Agent DEFAULT = new Agent(true, DEFAULT_CONNECTIVITY_TIMEOUT, List.of());

    public Agent {
        checks = List.copyOf(checks);
    }

    /** One extra connectivity check: an HTTP(S) URL that answers below 400, or a TCP endpoint that accepts. */
    public record Check(Type type, String target) {
        public enum Type {
            HTTP, TCP;

            public String value() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }
}
