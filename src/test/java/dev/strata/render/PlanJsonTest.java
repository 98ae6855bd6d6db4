package dev.strata.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.strata.plan.Action;
import dev.strata.plan.Plan;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.strata.render.Fixtures.D1;
import static dev.strata.render.Fixtures.D2;
import static dev.strata.render.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanJsonTest {
    /** Every kind, with optional fields both present and absent. */
    static Plan plan() {
        List<Action> more = List.of(
                new Action.Promote("edge", "all", Optional.empty(), D1, List.of(), "first rollout"),
                new Action.Wait("dc-bonded", Optional.empty(), Action.WaitCause.BUILD, Optional.empty(), "base not resolved"),
                new Action.Wait("dc-east", Optional.of("rest"), Action.WaitCause.BAKE_TIME,
                        Optional.of(Instant.parse("2026-03-02T00:30:00.123456789Z")), "baking"),
                new Action.BuildImage("edge", Fixtures.INPUTS, Action.BuildCause.NEW_IMAGE, List.of(), "new image"));
        List<Action> all = new java.util.ArrayList<>(PlanRendererTest.everyKind().actions());
        all.addAll(more);
        return new Plan(Plan.FORMAT_VERSION, "0123456789abcdef0123456789abcdef01234567", NOW.plusNanos(5), "sha256:" + "f".repeat(64), all);
    }

    @Test
    void readsBackWhatItWrites() throws Exception {
        Plan plan = plan();

        assertThat(PlanJson.parse(PlanJson.write(plan))).isEqualTo(plan);
        StringWriter out = new StringWriter();
        PlanJson.write(plan, out);
        assertThat(PlanJson.read(new StringReader(out.toString()))).isEqualTo(plan);
    }

    @Test
    void writesWhatTheDocumentedSchemaAllows() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(json.readTree(Files.readString(Path.of("docs/plan.schema.json"))));

        assertThat(schema.validate(json.readTree(PlanJson.write(plan())))).isEmpty();
        assertThat(schema.validate(json.readTree("{\"formatVersion\": 2}"))).isNotEmpty();
    }

    @Test
    void namesEveryActionByItsDiscriminator() {
        String json = PlanJson.write(plan());

        for (String kind : List.of("build", "promote", "wait", "hold", "rollback", "noop")) {
            assertThat(json).contains("\"action\" : \"" + kind + "\"");
        }
        assertThat(json).contains("\"cause\" : \"bake-time\"", "\"cause\" : \"spec-changed\"", "\"createdAt\" : \"2026-03-02T00:00:00.000000005Z\"");
    }

    @Test
    void refusesAnotherFormatVersionClearly() {
        String json = PlanJson.write(plan()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");

        assertThatThrownBy(() -> PlanJson.parse(json)).isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("formatVersion 2").hasMessageContaining("reads formatVersion 1")
                .hasMessageContaining("make the plan again");
        assertThatThrownBy(() -> PlanJson.parse("{\"actions\": []}")).hasMessageContaining("not a Strata plan file");
        assertThatThrownBy(() -> PlanJson.parse("[1, 2]")).hasMessageContaining("one JSON object");
        assertThatThrownBy(() -> PlanJson.parse("{nope")).hasMessageContaining("not a JSON document");
    }

    @Test
    void pointsAtTheFieldThatIsWrong() throws Exception {
        String json = PlanJson.write(plan());

        assertThat(thrown(json.replace("\"action\" : \"hold\"", "\"action\" : \"pause\"")).pointer()).isEqualTo("/actions/4/action");
        PlanFormatException cause = thrown(json.replace("\"bake-time\"", "\"bake\""));
        assertThat(cause.pointer()).isEqualTo("/actions/8/cause");
        assertThat(cause).hasMessageContaining("expected one of build, window, bake-time");
        assertThat(thrown(json.replace("\"toDigest\" :", "\"toDigestX\" :")).pointer()).isEqualTo("/actions/2/toDigest");
        assertThat(thrown(json.replace("\"createdAt\" : \"2026-03-02T00:00:00.000000005Z\"", "\"createdAt\" : \"yesterday\""))
                .pointer()).isEqualTo("/createdAt");
    }

    @Test
    void refusesDuplicateKeysAndTrailingContent() {
        String json = PlanJson.write(plan());

        assertThatThrownBy(() -> PlanJson.parse(json.replace("\"revision\" :", "\"revision\" : \"x\", \"revision\" :")))
                .isInstanceOf(PlanFormatException.class);
        assertThatThrownBy(() -> PlanJson.parse(json + "{}")).isInstanceOf(PlanFormatException.class);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        String json = PlanJson.write(plan()).replaceFirst("\\{", "{ \"generator\" : \"strata 9\",");

        assertThat(PlanJson.parse(json)).isEqualTo(plan());
    }

    private static PlanFormatException thrown(String json) {
        try {
            PlanJson.parse(json);
        } catch (PlanFormatException e) {
            return e;
        }
        throw new AssertionError("parsed without error");
    }
}
