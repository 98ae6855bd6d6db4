package dev.strata.serve;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The endpoints, each with its one method and the label it carries in metrics (a small, fixed set:
 * paths with machine ids never become labels).
 */
enum Route {
    PRE_REBOOT("pre_reboot", "POST"),
    STEADY_STATE("steady_state", "POST"),
    MACHINE_TARGET("machine_target", "GET"),
    MACHINE_STATUS("machine_status", "POST"),
    GRAPH("graph", "GET"),
    HEALTHZ("healthz", "GET"),
    METRICS("metrics", "GET"),
    GIT_HOOK("git_hook", "POST"),
    /** Anything else: answered 404, counted under one label. */
    UNMATCHED("unmatched", "");

    private static final Pattern MACHINE = Pattern.compile("/v1/machines/([^/]*)/(target|status)");

    final String label;
    final String method;

    Route(String label, String method) {
        this.label = label;
        this.method = method;
    }

    /** Which route a path below the prefix names, and the raw machine id segment for machine routes. */
    record Match(Route route, Optional<String> machineId) {
        static Match of(Route route) {
            return new Match(route, Optional.empty());
        }
    }

    static Match match(String path) {
        switch (path) {
            case "/v1/pre-reboot": return Match.of(PRE_REBOOT);
            case "/v1/steady-state": return Match.of(STEADY_STATE);
            case "/v1/graph": return Match.of(GRAPH);
            case "/healthz": return Match.of(HEALTHZ);
            case "/metrics": return Match.of(METRICS);
            case "/v1/hooks/git": return Match.of(GIT_HOOK);
            default: break;
        }
        Matcher m = MACHINE.matcher(path);
        if (m.matches()) {
            return new Match(m.group(2).equals("target") ? MACHINE_TARGET : MACHINE_STATUS, Optional.of(m.group(1)));
        }
        return Match.of(UNMATCHED);
    }
}
