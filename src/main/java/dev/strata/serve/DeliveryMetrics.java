package dev.strata.serve;

import dev.strata.delivery.DeliveryStats;

/** Delivery's numbers in /metrics: FleetLock slots and holders per group, unknown ids, reports, replies, commits. */
final class DeliveryMetrics {
    private DeliveryMetrics() {
    }

    static void render(PrometheusText text, DeliveryStats d) {
        text.family("strata_fleetlock_slots", "gauge", "FleetLock reboot slots, by group (maxUnavailable).");
        d.groups().forEach((group, g) -> text.sample("strata_fleetlock_slots", g.slots(), "group", group));
        text.family("strata_fleetlock_holders", "gauge", "Machines holding a FleetLock reboot slot, by group.");
        d.groups().forEach((group, g) -> text.sample("strata_fleetlock_holders", g.holders(), "group", group));
        text.family("strata_fleetlock_failed_holders", "gauge",
                "Slot holders marked failed or past their update timeout; they keep the slot until released by hand, by group.");
        d.groups().forEach((group, g) -> text.sample("strata_fleetlock_failed_holders", g.failedHolders(), "group", group));
        text.family("strata_unknown_machines", "gauge", "Machine ids seen that no group lists (strata machines --unknown).");
        text.sample("strata_unknown_machines", d.unknownMachines());
        text.family("strata_graph_unknown_payload_machines", "gauge",
                "Machines of a zincati group whose last graph poll named a payload Strata never published for it, by group.");
        d.unknownPayloads().forEach((group, n) -> text.sample("strata_graph_unknown_payload_machines", n, "group", group));
        text.family("strata_status_reports_accepted_total", "counter", "Machine status reports recorded since the server started.");
        text.sample("strata_status_reports_accepted_total", d.reportsAccepted());
        text.family("strata_delivery_replies_total", "counter", "Delivery replies by endpoint and kind (ok for success).");
        d.replies().forEach((endpoint, kinds) -> kinds.forEach((kind, n) ->
                text.sample("strata_delivery_replies_total", n, "endpoint", endpoint, "kind", kind)));
        text.family("strata_delivery_commits_total", "counter", "State store commits of delivery's writes (group commits).");
        text.sample("strata_delivery_commits_total", d.commits());
        text.family("strata_delivery_committed_writes_total", "counter", "Writes in those commits.");
        text.sample("strata_delivery_committed_writes_total", d.committedWrites());
    }
}
