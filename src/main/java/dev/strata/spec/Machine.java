package dev.strata.spec;

import java.util.Map;

/**
 * A machine, known by the 32-hex app-specific machine id that Zincati sends
 * ({@code systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b}); the same id for both delivery kinds.
 * {@code platform} ({@code os/arch[/variant]}) picks its manifest of a multi-arch image.
 */
public record Machine(String id, String name, Map<String, String> labels, String platform) {
    public static final String DEFAULT_PLATFORM = "linux/amd64";

    public Machine {
        labels = Maps.sortedCopy(labels);
        if (platform == null || platform.isEmpty()) platform = DEFAULT_PLATFORM;
    }

    /** A machine of the default platform. */
    public Machine(String id, String name, Map<String, String> labels) {
        this(id, name, labels, DEFAULT_PLATFORM);
    }

    public boolean matches(Map<String, String> selector) {
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        return true;
    }
}
