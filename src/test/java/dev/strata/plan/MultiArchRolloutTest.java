package dev.strata.plan;

import dev.strata.spec.Machine;
import dev.strata.spec.MachineGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.strata.plan.Fleets.BASE;
import static dev.strata.plan.Fleets.IN2;
import static dev.strata.plan.Fleets.T1;
import static dev.strata.plan.Fleets.T2;
import static dev.strata.plan.Fleets.digest;
import static dev.strata.plan.Fleets.group;
import static dev.strata.plan.ObservedBuilder.States.running;
import static dev.strata.plan.ObservedBuilder.States.released;
import static dev.strata.plan.ObservedBuilder.observed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-arch image's target is its index digest; each machine boots, and is released for, its own
 * platform's manifest. Reached-target, in-flight and the previous digest are judged per platform.
 */
class MultiArchRolloutTest {
    static final Instant NOW = Instant.parse("2026-01-14T03:00:00Z");
    static final String AMD = digest('5');
    static final String ARM = digest('6');
    static final Build MULTI = new Build(Fleets.APP, IN2, T2, "registry.example/app@" + T2, "c0ffee", BASE, Optional.empty(),
            Instant.EPOCH, Optional.empty(), Optional.empty(), Map.of("linux/amd64", AMD, "linux/arm64", ARM));

    final Machine amd = Fleets.machine(0, Map.of());
    final Machine arm = withPlatform(Fleets.machine(1, Map.of()), "linux/arm64");
    final MachineGroup g = group("edge").machines(List.of(amd, arm)).maxUnavailable(2).build();

    static Machine withPlatform(Machine m, String platform) {
        return new Machine(m.id(), m.name(), m.labels(), platform);
    }

    private Action decide(ObservedBuilder o) {
        Plan plan = Planner.plan(Fleets.desired(IN2, g), o.build(), NOW);
        List<Action> mine = plan.actions().stream().filter(a -> a.subject().equals(g.name())).toList();
        assertThat(mine).hasSize(1);
        return mine.get(0);
    }

    private ObservedBuilder rolling() {
        return observed().built(T1).build(MULTI)
                .group(new GroupState("edge", Optional.of(T2), Optional.of(T1), Optional.of(NOW.minusSeconds(600)),
                        GroupState.Status.ROLLING, Set.of(), false));
    }

    @Test
    void eachMachineOnItsPlatformsManifestHasReachedTheTarget() {
        Action a = decide(rolling()
                .machine(released(running(amd, AMD, NOW.minusSeconds(60)), AMD, NOW.minusSeconds(300)))
                .machine(released(running(arm, ARM, NOW.minusSeconds(60)), ARM, NOW.minusSeconds(300))));
        assertThat(a).isInstanceOf(Action.NoOp.class);
        assertThat(a.reason()).isEqualTo("all 2 machines run " + BuildPlanner.short12(T2));
    }

    @Test
    void anArmMachineBootingTheAmdManifestHasNotReachedTheTarget() {
        Action a = decide(rolling()
                .machine(released(running(amd, AMD, NOW.minusSeconds(60)), AMD, NOW.minusSeconds(300)))
                .machine(released(running(arm, AMD, NOW.minusSeconds(60)), ARM, NOW.minusSeconds(300))));
        assertThat(a).isNotInstanceOf(Action.NoOp.class);
        assertThat(a.reason()).doesNotContain("all 2 machines run");
    }

    @Test
    void machinesOnTheOldSinglePlatformImageArePromotedToTheIndexDigest() {
        Action a = decide(observed().built(T1).build(MULTI).running(g.machines(), T1, NOW.minus(Duration.ofDays(3))));
        assertThat(a).isInstanceOf(Action.Promote.class);
        Action.Promote p = (Action.Promote) a;
        assertThat(p.toDigest()).isEqualTo(T2);
        assertThat(p.fromDigest()).contains(T1);
        assertThat(p.machines()).containsExactly("m00", "m01");
    }

    @Test
    void thePreviousDigestOfMachinesOnPlatformManifestsIsTheirIndex() {
        // Both boot their manifest of the multi-arch T2 and the spec goes back to the single-platform T1: the
        // rollout starts from T2, the index, not from one platform's manifest.
        Build older = new Build(Fleets.APP, Fleets.IN1, T1, "registry.example/app@" + T1, "c0ffee", BASE, Optional.empty(),
                Instant.EPOCH);
        Plan plan = Planner.plan(Fleets.desired(Fleets.IN1, g), observed().build(older).build(MULTI)
                .machine(running(amd, AMD, NOW.minusSeconds(3600))).machine(running(arm, ARM, NOW.minusSeconds(3600))).build(), NOW);
        Action a = plan.actions().stream().filter(x -> x.subject().equals("edge")).findFirst().orElseThrow();
        assertThat(a).isInstanceOf(Action.Promote.class);
        assertThat(((Action.Promote) a).fromDigest()).contains(T2);
    }

    @Test
    void platformDigestsAnswerForEitherDigest() {
        PlatformDigests p = PlatformDigests.of(List.of(MULTI));
        assertThat(p.forPlatform(T2, "linux/arm64")).contains(ARM);
        assertThat(p.forPlatform(T2, "linux/s390x")).isEmpty();
        assertThat(p.forPlatform(T1, "linux/arm64")).contains(T1);
        assertThat(p.same(ARM, T2, "linux/arm64")).isTrue();
        assertThat(p.same(ARM, T2, "linux/amd64")).isFalse();
        assertThat(p.image(ARM)).isEqualTo(T2);
        assertThat(Releases.payloads(MULTI)).isEqualTo(Map.of("x86_64", "registry.example/app@" + AMD,
                "aarch64", "registry.example/app@" + ARM));
    }

    @Test
    void plansShowAMultiArchImagesPlatformsAndTheirDigestsOnceBuilt() {
        dev.strata.spec.Image edge = new dev.strata.spec.Image(Fleets.APP, new dev.strata.spec.ImageSource.FromStream("os"),
                Map.of(), List.of(), List.of("linux/amd64", "linux/arm64"), new dev.strata.spec.Origin("images/app.yaml", 0));
        dev.strata.spec.FleetSpec f = Fleets.fleet(g);
        Desired d = new Desired(new dev.strata.spec.FleetSpec(f.fleet(), f.streams(), List.of(edge), f.groups()), "c0ffee",
                Map.of(Fleets.APP, new InputsDigest(Fleets.APP, IN2, BASE, List.of())));
        Action before = Planner.plan(d, observed().build(), NOW).actions().get(0);
        assertThat(before).isInstanceOf(Action.BuildImage.class);
        assertThat(before.reason()).isEqualTo("new image; an image index for linux/amd64, linux/arm64");
        Action after = Planner.plan(d, observed().build(MULTI).build(), NOW).actions().get(0);
        assertThat(after.reason()).isEqualTo("up to date: " + BuildPlanner.short12(T2) + " built from c0ffee ("
                + "linux/amd64 " + BuildPlanner.short12(AMD) + ", linux/arm64 " + BuildPlanner.short12(ARM) + ")");
    }
}
