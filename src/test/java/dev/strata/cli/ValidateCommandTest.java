package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code strata validate} end to end through {@link Main#run}, as a user or CI sees it. */
class ValidateCommandTest {
    private static final Path EXAMPLE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("fleet-example");

    @TempDir
    Path temp;

    /** What one command line printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    static Run strata(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void validExampleExitsZeroWithASummary() {
        Run run = strata("validate", EXAMPLE.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo(EXAMPLE + ": valid (8 files, 8 documents; 0 errors, 0 warnings)\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void brokenFleetExits65AndLocatesEveryError() throws IOException {
        Path fleet = brokenCopy();

        Run run = strata("validate", fleet.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_SPECS);
        assertThat(run.out())
                .contains("streams/fcos-stable.yaml:10:8: error[digest.invalid]: 'sha256:4605769f' is not a valid digest")
                .contains("images/edge.yaml:13:69: error[file.source-missing]: source 'files/node_exporter.service' does not exist")
                .contains("groups/dc-east.yaml:29:15: error[duration.invalid]: '30 min' is not a valid duration")
                .contains("    at spec.rollout.bakeTime")
                .contains("    hint: Write a duration such as 90s")
                .endsWith(fleet + ": invalid (8 files, 8 documents; 3 errors, 0 warnings)\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void jsonOutputHasTheDocumentedFields() throws IOException {
        Path fleet = brokenCopy();

        Run run = strata("validate", "--format", "json", fleet.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_SPECS);
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("formatVersion").asInt()).isEqualTo(1);
        assertThat(root.path("fleet").asText()).isEqualTo(fleet.toString());
        assertThat(root.path("valid").asBoolean(true)).isFalse();
        assertThat(root.path("errors").asInt()).isEqualTo(3);
        assertThat(root.path("warnings").asInt()).isZero();
        assertThat(root.path("files").asInt()).isEqualTo(8);
        assertThat(root.path("documents").asInt()).isEqualTo(8);
        JsonNode duration = Stream.of(root.path("diagnostics").elements()).flatMap(ValidateCommandTest::stream)
                .filter(d -> d.path("check").asText().equals("duration.invalid")).findFirst().orElseThrow();
        assertThat(duration.path("severity").asText()).isEqualTo("error");
        assertThat(duration.path("file").asText()).isEqualTo("groups/dc-east.yaml");
        assertThat(duration.path("line").asInt()).isEqualTo(29);
        assertThat(duration.path("column").asInt()).isEqualTo(15);
        assertThat(duration.path("path").asText()).isEqualTo("spec.rollout.bakeTime");
        assertThat(duration.path("message").asText()).isEqualTo("'30 min' is not a valid duration");
        assertThat(duration.path("hint").asText()).startsWith("Write a duration");
    }

    @Test
    void validJsonOutputHasNoDiagnostics() throws IOException {
        Run run = strata("validate", "--format=json", EXAMPLE.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertThat(root.path("valid").asBoolean(false)).isTrue();
        assertThat(root.path("diagnostics").isArray()).isTrue();
        assertThat(root.path("diagnostics")).isEmpty();
    }

    @Test
    void githubFormatPrintsWorkflowCommands() throws IOException {
        Path fleet = brokenCopy();

        Run run = strata("validate", "--format", "github", fleet.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_SPECS);
        assertThat(run.out().lines().filter(l -> l.startsWith("::error ")))
                .hasSize(3)
                .contains("::error file=groups/dc-east.yaml,line=29,col=15,title=strata duration.invalid::"
                        + "'30 min' is not a valid duration (at spec.rollout.bakeTime)%0AHint: Write a duration such as 90s, 30m, 2h, 1h30m or 1d.")
                .anyMatch(l -> l.startsWith("::error file=streams/fcos-stable.yaml,line=10,col=8,title=strata digest.invalid::"))
                .anyMatch(l -> l.startsWith("::error file=images/edge.yaml,line=13,col=69,title=strata file.source-missing::"));
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutAStackTrace() {
        Run run = strata("validate", "--frobnicate", EXAMPLE.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unknown option: '--frobnicate'").contains("Run 'strata validate --help'")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingFolderIsAUsageError() {
        Path missing = temp.resolve("no-such-fleet");

        Run run = strata("validate", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("strata: no such folder: " + missing
                + " (give the folder that holds the fleet's Fleet document)\n");
    }

    @Test
    void versionPrintsTheVersion() {
        Run run = strata("--version");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).startsWith("strata ");
    }

    @Test
    void helpListsTheExitCodes() {
        Run run = strata("--help");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("Exit codes:").contains("validate")
                .containsPattern("(?m)^\\s+0\\s+success")
                .containsPattern("(?m)^\\s+1\\s+failure")
                .containsPattern("(?m)^\\s+2\\s+changes present")
                .containsPattern("(?m)^\\s+75\\s+another run holds the run lock")
                .containsPattern("(?m)^\\s+64\\s+usage error")
                .containsPattern("(?m)^\\s+65\\s+invalid specs");
    }

    @Test
    void validateHelpListsTheExitCodes() {
        Run run = strata("validate", "--help");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("--format").containsPattern("(?m)^\\s+65\\s+invalid specs");
    }

    /** fleet-example with three mistakes in three files. */
    private Path brokenCopy() throws IOException {
        Path copy = temp.resolve("fleet");
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        replace(copy.resolve("streams/fcos-stable.yaml"),
                "pin: sha256:4605769f2d7a7f3e9e5c2b8d1a0f6e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4", "pin: sha256:4605769f");
        replace(copy.resolve("images/edge.yaml"), "source: files/node-exporter.service", "source: files/node_exporter.service");
        replace(copy.resolve("groups/dc-east.yaml"), "bakeTime: 30m", "bakeTime: 30 min");
        return copy;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as("%s to break", file).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static Stream<JsonNode> stream(java.util.Iterator<JsonNode> it) {
        Stream.Builder<JsonNode> b = Stream.builder();
        it.forEachRemaining(b);
        return b.build();
    }
}
