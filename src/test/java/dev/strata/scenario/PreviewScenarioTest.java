package dev.strata.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.strata.cli.ExitCodes;
import dev.strata.render.PlanJson;
import dev.strata.scenario.Scenario.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pull-request previews of each step of {@link Scenario}, as CI runs them
 * ({@code strata plan --base HEAD~1 --head HEAD}), compared with golden files in three formats.
 */
class PreviewScenarioTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();

    static Strata.Run preview(Path repo, String format) {
        return Strata.run("plan", "--repo", repo.toString(), "--base", "HEAD~1", "--head", "HEAD", "--now", Strata.NOW,
                "--format", format);
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void previewOfEachStepMatchesItsGoldenFiles(Step step) throws Exception {
        Scenario.upTo(step, dir).repo.close();

        Strata.Run text = preview(dir, "text");
        Strata.Run json = preview(dir, "json");
        Strata.Run markdown = preview(dir, "markdown");

        for (Strata.Run run : new Strata.Run[]{text, json, markdown}) {
            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(run.out()).as("the bond keyfiles (mode 0600)").doesNotContain("miimon", "802.3ad", "controller=bond0");
        }
        Goldens.assertMatches(step.dir + "/plan.txt", text.out());
        Goldens.assertMatches(step.dir + "/plan.json", json.out());
        Goldens.assertMatches(step.dir + "/plan.md", markdown.out());
        Goldens.assertMatches(step.dir + "/stderr.txt", text.err());
        assertThat(json.err()).isEqualTo(markdown.err()).isEqualTo(text.err());
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(Files.readString(FleetRepo.EXAMPLE.resolveSibling("docs/plan.schema.json"))));
        assertThat(schema.validate(JSON.readTree(json.out()))).as("docs/plan.schema.json").isEmpty();
        // A saved plan keeps every action; the preview object is informational and apply ignores it
        // (docs/plan-json.md), so reading back gives the plan without it.
        com.fasterxml.jackson.databind.node.ObjectNode withoutPreview = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json.out());
        withoutPreview.remove("preview");
        assertThat(JSON.readTree(PlanJson.write(PlanJson.parse(json.out())))).as("read back").isEqualTo(withoutPreview);
    }

    @Test
    void anUnchangedRepositoryPlansNothing() throws Exception {
        Scenario.upTo(Step.INITIAL_FLEET, dir).repo.close();

        Strata.Run run = Strata.run("plan", "--repo", dir.toString(), "--base", "HEAD", "--head", "HEAD", "--now", Strata.NOW,
                "--detailed-exitcode");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("No spec changes").endsWith("No changes. The fleet matches its specs.\n");
        assertThat(run.out()).doesNotContain("build ", "promote ", "wait ", "hold ");
    }

    @Test
    void aBondChangeShowsTheRebuildAndTheWavesButNeverTheKeyfile() throws Exception {
        Scenario.upTo(Step.BOND_CHANGE, dir).repo.close();

        String md = preview(dir, "markdown").out();

        assertThat(md).contains("<summary>+ build dc-bonded (spec changed)</summary>",
                "**`/etc/NetworkManager/system-connections/bond0.nmconnection`**: changed, contents hidden (mode 0600)",
                "<summary>~ promote dc-east, wave canary</summary>",
                "| canary | 1 | Fri 2026-11-27 01:30 (now) | Fri 2026-11-27 00:30 (now) |",
                "| early | 2 | Fri 2026-11-27 02:00 | Fri 2026-11-27 01:00 |",
                "| rest | 7 | Fri 2026-11-27 02:30 | Fri 2026-11-27 01:30 |");
        assertThat(md).doesNotContain("miimon", "802.3ad", "```diff");
    }

    @Test
    void aChangedImageRebuildsBeforeTheImageBuiltOnIt() throws Exception {
        Scenario.upTo(Step.BASE_IMAGE_CHANGED, dir).repo.close();

        String text = preview(dir, "text").out();

        assertThat(text).containsSubsequence("+ build dc-bonded (spec changed)", "+ build ceph-osd (base moved)",
                "~ promote dc-east, wave canary");
    }

    @Test
    void aWorldReadableKeyfileShowsItsDiff() throws Exception {
        try (FleetRepo repo = FleetRepo.init(dir)) {
            repo.copyExample().replace(Scenario.DC_BONDED, "source: files/bond0.nmconnection, mode: \"0600\"",
                    "source: files/bond0.nmconnection, mode: \"0644\"").commit("Add the fleet, bond0 readable by all");
            repo.replace(Scenario.BOND, "miimon=100", "miimon=200").commit("bond0: check the links every 200 ms");
        }

        Strata.Run run = preview(dir, "markdown");

        assertThat(run.out()).contains("**`/etc/NetworkManager/system-connections/bond0.nmconnection`** (mode 0644): changed",
                "```diff\n--- a/etc/NetworkManager/system-connections/bond0.nmconnection\n"
                        + "+++ b/etc/NetworkManager/system-connections/bond0.nmconnection\n",
                "\n-miimon=100\n+miimon=200\n",
                "<summary>~ promote dc-east, wave canary</summary>");
        // The other keyfiles are still 0600 and did not change: not shown at all.
        assertThat(run.out()).doesNotContain("bond0-port-eno1");
    }
}
