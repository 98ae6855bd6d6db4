package dev.strata.spec;

import java.util.Map;

/**
 * A machine, known by the 32-hex app-specific machine id that Zincati sends
 * ({@code systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b}); the same id for both delivery kinds.
 */
public record Machine(String id, String name, Map<String, String> labels) {
    public Machine {
        labels = Maps.sortedCopy(labels);
    }

    public boolean matches(Map<String, String> selector) {
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        return true;
    }
}
