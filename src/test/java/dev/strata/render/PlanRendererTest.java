package dev.strata.render;

import dev.strata.plan.SpecChanges;
import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.SpecChange;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static dev.strata.render.Fixtures.D1;
import static dev.strata.render.Fixtures.D2;
import static dev.strata.render.Fixtures.INPUTS;
import static dev.strata.render.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class PlanRendererTest {
    static final String FINGERPRINT = "sha256:" + "f".repeat(64);

    /** One action of every kind, as the planner would word them. */
    static Plan everyKind() {
        return new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT, List.of(
                new Action.BuildImage("dc-bonded", INPUTS, Action.BuildCause.SPEC_CHANGED, List.of("/etc/chrony.d/dc.conf"),
                        "layer network: /etc/chrony.d/dc.conf changed"),
                new Action.NoOp("edge", "up to date: sha256:222222222222 built from 89abcde"),
                new Action.Promote("dc-east", "canary", Optional.of(D1), D2, List.of("dc-east-01"),
                        "wave canary: release 1 machine(s) to sha256:222222222222"),
                new Action.Wait("edge", Optional.of("early"), Action.WaitCause.WINDOW, Optional.of(Instant.parse("2026-03-03T00:00:00Z")),
                        "outside the maintenance windows; next opens 2026-03-03T00:00:00Z"),
                new Action.Hold("lab", Action.HoldCause.APPROVAL, "held after wave canary until 'approved' names " + D2),
                new Action.Rollback("dc-west", D2, D1, List.of("dc-west-01", "dc-west-02"),
                        "2 machine(s) failed to update to sha256:222222222222 (dc-west-01, dc-west-02); rolling back to sha256:111111111111")));
    }

    static String text(Plan plan) {
        StringWriter out = new StringWriter();
        PlanRenderer.text(plan, new PrintWriter(out));
        return out.toString();
    }

    @Test
    void printsOneLinePerActionWithDetailsAndCounts() {
        assertThat(text(everyKind())).isEqualToNormalizingNewlines("""
                Strata plan for revision 0123abc at 2026-03-02T00:00:00Z

                  + build dc-bonded (spec changed)
                      reason: layer network: /etc/chrony.d/dc.conf changed
                      changed: /etc/chrony.d/dc.conf
                  = edge (no changes)
                      reason: up to date: sha256:222222222222 built from 89abcde
                  ~ promote dc-east, wave canary
                      reason: wave canary: release 1 machine(s) to sha256:222222222222
                      machines (1): dc-east-01
                  … wait edge, wave early (window)
                      reason: outside the maintenance windows; next opens 2026-03-03T00:00:00Z
                      until: 2026-03-03T00:00:00Z
                  ! hold lab (approval)
                      reason: held after wave canary until 'approved' names sha256:2222222222222222222222222222222222222222222222222222222222222222
                -/+ roll back dc-west
                      reason: 2 machine(s) failed to update to sha256:222222222222 (dc-west-01, dc-west-02); rolling back to sha256:111111111111
                      machines (2): dc-west-01, dc-west-02

                Plan: 1 to build, 1 to promote, 1 to roll back; 1 waiting, 1 held.
                """);
    }

    @Test
    void saysSoWhenTheFleetMatchesItsSpecs() {
        Plan plan = new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT, List.of(
                new Action.NoOp("dc-bonded", "up to date"), new Action.NoOp("dc-east", "all 10 machines run sha256:222222222222")));

        assertThat(text(plan)).endsWith("\nNo changes. The fleet matches its specs.\n");
        assertThat(text(new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT, List.of())))
                .endsWith("\nNo changes. The fleet matches its specs.\n");
    }

    @Test
    void countsWaitsEvenWithoutChanges() {
        Plan plan = new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT, List.of(
                new Action.Wait("dc-east", Optional.of("rest"), Action.WaitCause.BAKE_TIME, Optional.empty(), "baking")));

        assertThat(PlanRenderer.summary(plan)).isEqualTo("Plan: 0 to build, 0 to promote, 0 to roll back; 1 waiting, 0 held.");
    }

    @Test
    void listsAtMostTwentyMachinesPerAction() {
        List<String> names = IntStream.rangeClosed(1, 25).mapToObj(i -> "m" + i).toList();
        Plan plan = new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT,
                List.of(new Action.Promote("big", "all", Optional.empty(), D2, names, "release")));

        assertThat(text(plan)).contains("machines (25): m1, m2,").contains("m20, and 5 more").doesNotContain("m21");
    }

    @Test
    void neverPrintsControlCharactersFromSpecs() {
        Plan plan = new Plan(Plan.FORMAT_VERSION, "0123abc", NOW, FINGERPRINT,
                List.of(new Action.NoOp("x", "evil \u001b[31mred\u001b[0m")));

        assertThat(text(plan)).doesNotContain("\u001b").contains("evil \\u001b[31mred");
    }

    @Test
    void previewsListSpecChangesAndFilesBeforeTheActions() {
        StringWriter out = new StringWriter();
        PlanRenderer.text(Fixtures.previewPlan(), Fixtures.preview(), new PrintWriter(out));
        String text = out.toString();

        assertThat(text).contains("Spec changes (fedcba9876543210fedcba9876543210fedcba98 → 0123456789abcdef0123456789abcdef01234567):\n"
                + "  ~ Image/dc-bonded changed\n");
        assertThat(text).doesNotContain("Fleet/example").doesNotContain("MachineGroup/dc-east");
        assertThat(text).contains("/etc/chrony.d/dc.conf: changed\n");
        assertThat(text.indexOf("Spec changes")).isLessThan(text.indexOf("+ build dc-bonded"));
    }

    @Test
    void anImageWhoseFilesChangedIsASpecChangeToo() {
        Preview p = Fixtures.preview();
        Preview filesOnly = new Preview(p.baseRevision(), p.headRevision(), p.specChanges().stream()
                .map(c -> new SpecChange(c.kind(), c.name(), Change.UNCHANGED)).toList(), p.fileChanges());
        StringWriter out = new StringWriter();
        PlanRenderer.text(Fixtures.previewPlan(), filesOnly, new PrintWriter(out));

        assertThat(out.toString()).contains("):\n  ~ Image/dc-bonded changed (the files it carries)\n")
                .doesNotContain("No spec changes");
    }
}
