package dev.strata.plan;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static dev.strata.plan.Fleets.APP;
import static dev.strata.plan.Fleets.BASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Across many random groups, versions and builds: no plan releases a machine to an image past a
 * barrier while some machine of the group still runs a base before it. Seeds are fixed.
 */
class BarrierPropertyTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final List<String> VERSIONS = List.of("43.20260101.3.0", "43.20260301.3.0", "43.20260413.3.2",
            "43.20260601.3.0", "44.20260707.3.1");

    @Test
    void noPlanSkipsABarrier() {
        Random random = new Random(20261126);
        int promotes = 0;
        for (int run = 0; run < 2_000; run++) {
            String barrier = VERSIONS.get(1 + random.nextInt(3));
            int machines = 1 + random.nextInt(12);
            MachineGroup group = Fleets.group("g").machines(machines).build();
            List<Build> builds = new ArrayList<>();
            for (int v = 0; v < VERSIONS.size(); v++) {
                if (v == VERSIONS.size() - 1 || random.nextBoolean()) {
                    String inputs = digest(random, 'i' , v);
                    builds.add(new Build(APP, inputs, digest(random, 'm', v), "registry.example/app@x",
                            "0123456789abcdef0123456789abcdef01234567", BASE, Optional.of(VERSIONS.get(v)),
                            NOW.minusSeconds(1000L * (10 - v))));
                }
            }
            Build target = builds.get(builds.size() - 1);
            ObservedBuilder o = ObservedBuilder.observed();
            builds.forEach(o::build);
            Map<String, String> versionOf = new HashMap<>();
            builds.forEach(b -> versionOf.put(b.imageDigest(), b.baseVersion().orElseThrow()));
            for (Machine m : group.machines()) {
                Build running = builds.get(random.nextInt(builds.size()));
                o.machine(ObservedBuilder.States.running(m, running.imageDigest(), NOW.minusSeconds(3600)));
            }
            Observed observed = o.build();
            boolean someoneBefore = group.machines().stream().anyMatch(m -> observed.machine(m.id()).flatMap(MachineState::booted)
                    .map(d -> Barriers.compare(versionOf.get(d), barrier) < 0).orElse(false));

            Plan plan = Planner.plan(desired(group, target.inputsDigest(), barrier), observed, NOW);

            for (Action a : plan.actions()) {
                if (!(a instanceof Action.Promote p)) continue;
                promotes++;
                String to = versionOf.get(p.toDigest());
                if (someoneBefore) {
                    assertThat(Barriers.compare(to, barrier)).as("run %d: released to %s past barrier %s", run, to, barrier)
                            .isLessThanOrEqualTo(0);
                }
            }
        }
        assertThat(promotes).as("the property was exercised").isGreaterThan(500);
    }

    static Desired desired(MachineGroup group, String inputs, String barrier) {
        FleetSpec f = Fleets.fleet(group);
        Stream s = f.streams().get(0);
        Stream withBarrier = new Stream(s.name(), s.image(), s.tag(), s.pin(), s.version(), List.of(barrier), List.of(),
                Optional.empty(), s.origin());
        return new Desired(new FleetSpec(f.fleet(), List.of(withBarrier), f.images(), f.groups()),
                "c0ffee0000000000000000000000000000000000", Map.of(APP, new InputsDigest(APP, inputs, BASE, List.of())));
    }

    static String digest(Random r, char kind, int v) {
        return "sha256:" + String.valueOf(kind).repeat(2) + String.format("%062x", (long) v * 7919 + kind);
    }
}
