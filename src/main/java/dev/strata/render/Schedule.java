package dev.strata.render;

import dev.strata.plan.Action;
import dev.strata.plan.Waves;
import dev.strata.plan.Windows;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Rollout;
import dev.strata.spec.Wave;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A schedule preview for one group: when each wave could start, from the group's current decision,
 * its windows and bake time, assuming every wave completes the moment it starts. It is an earliest
 * bound, for people: slow machines, limits and approvals only push it later.
 */
final class Schedule {
    private Schedule() {
    }

    /** One wave: its members, and either the earliest start or why there is none. */
    record Row(String wave, int machines, Optional<Instant> start, String note) {
    }

    static List<Row> of(MachineGroup g, Action decision, Instant now) {
        Rollout r = g.rollout();
        List<Wave> waves = r.waves();
        List<Integer> sizes = Waves.members(g).stream().map(List::size).toList();
        int first = 0;
        Optional<Instant> from = Optional.of(now);
        String blocked = "";
        boolean firstInProgress = false;
        if (decision instanceof Action.Promote p) {
            first = Math.max(0, indexOf(waves, p.wave()));
        } else if (decision instanceof Action.Wait w && w.wave().isPresent()) {
            first = Math.max(0, indexOf(waves, w.wave().get()));
            switch (w.cause()) {
                case BAKE_TIME, WINDOW -> from = Optional.of(w.until().orElse(now));
                // The wave is under way; the ones after it are what is left to schedule.
                default -> firstInProgress = true;
            }
        } else if (decision instanceof Action.Hold h) {
            blocked = "held (" + PlanRenderer.words(h.cause()) + ")";
        } else if (decision instanceof Action.Rollback) {
            blocked = "rolling back";
        }
        List<Row> rows = new ArrayList<>();
        Instant t = null;
        for (int i = 0; i < waves.size(); i++) {
            Wave w = waves.get(i);
            int n = i < sizes.size() ? sizes.get(i) : 0;
            if (!blocked.isEmpty()) {
                rows.add(new Row(w.name(), n, Optional.empty(), blocked));
            } else if (i < first || (i == first && firstInProgress)) {
                rows.add(new Row(w.name(), n, Optional.empty(), "started"));
                if (i == first) t = now;
            } else {
                Instant earliest = t == null ? from.orElse(now) : t.plus(r.bakeTime());
                t = Windows.nextAllowed(r, earliest);
                boolean gated = i > 0 && r.holdAfter().filter(waves.get(i - 1).name()::equals).isPresent();
                rows.add(new Row(w.name(), n, Optional.of(t), gated ? "after approval" : ""));
            }
        }
        return rows;
    }

    private static int indexOf(List<Wave> waves, String name) {
        for (int i = 0; i < waves.size(); i++) if (waves.get(i).name().equals(name)) return i;
        return -1;
    }
}
