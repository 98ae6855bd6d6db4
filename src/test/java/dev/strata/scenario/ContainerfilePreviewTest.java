package dev.strata.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.strata.render.PlanJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Previews of containerfile layers between two real Git commits: a changed Containerfile shows its diff,
 * build arguments show added, removed and changed values, context files show as changed (small text
 * with its diff, a large file by size, a file the fleet also places as a 0600 keyfile never), and a new,
 * a removed and a moved layer each say so, in Markdown, text and JSON.
 */
class ContainerfilePreviewTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGE = "images/tools.yaml";
    static final String SECRET = "sk-live-4242-do-not-show";

    @TempDir
    Path dir;

    private void twoCommits() throws Exception {
        try (FleetRepo repo = FleetRepo.init(dir)) {
            repo.copyExample()
                    .write(IMAGE, image("""
                            - name: packages
                              containerfile: {path: tools/packages/Containerfile, args: {PKG_VERSION: "1.0", REPO: loopback}}
                            - name: module
                              containerfile: {path: tools/module/Containerfile}
                            - name: old-step
                              containerfile: {path: tools/old/Containerfile}
                            - name: extra
                              files: [{path: /etc/tools/extra, content: "extra\\n"}]
                        """))
                    .write("images/tools/packages/Containerfile", containerfile("RUN dpkg -i /ctx/tools_${PKG_VERSION}.deb"))
                    .write("images/tools/packages/notes.txt", "one\ntwo\nthree\n")
                    .write("images/tools/packages/secret.key", SECRET + "-1\n")
                    .write("images/tools/packages/big.txt", "x".repeat(70_000) + "\n")
                    .write("images/tools/module/Containerfile", containerfile("RUN echo module > /usr/share/module"))
                    .write("images/tools/old/Containerfile", containerfile("RUN echo old > /usr/share/old"))
                    .commit("Add the tools image");
            repo.write(IMAGE, image("""
                            - name: packages
                              containerfile: {path: tools/packages/Containerfile, args: {PKG_VERSION: "1.1", MIRROR: "127.0.0.1:8080"}}
                            - name: extra
                              files: [{path: /etc/tools/extra, content: "extra\\n"}]
                            - name: module
                              containerfile: {path: tools/module/Containerfile}
                            - name: kmod
                              containerfile: {path: tools/kmod/Containerfile}
                        """))
                    .write("images/tools/packages/Containerfile", containerfile("RUN dpkg -i /ctx/tools_${PKG_VERSION}.deb && rm -f /ctx/*.deb"))
                    .write("images/tools/packages/notes.txt", "one\n2\nthree\n")
                    .write("images/tools/packages/secret.key", SECRET + "-2\n")
                    .write("images/tools/packages/big.txt", "y".repeat(70_000) + "\n")
                    .write("images/tools/kmod/Containerfile", containerfile("RUN echo kmod > /usr/share/kmod"))
                    .commit("tools: version 1.1 from the mirror, module after extra, kmod instead of old-step");
        }
    }

    private static String image(String layers) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: tools}
                spec:
                  from: {stream: fcos-stable}
                  layers:
                    - name: keys
                      files: [{path: /etc/pki/tools.key, source: tools/packages/secret.key, mode: "0600"}]
                """ + layers.stripTrailing().stripIndent().indent(4);
    }

    private static String containerfile(String run) {
        return "ARG STRATA_BASE\nFROM ${STRATA_BASE}\nARG PKG_VERSION\nARG MIRROR\n" + run + "\n";
    }

    @Test
    void markdownShowsEachContainerfileLayerChange() throws Exception {
        twoCommits();

        Strata.Run run = PreviewScenarioTest.preview(dir, "markdown");

        assertThat(run.exitCode()).as("%s", run).isZero();
        String md = run.out();
        assertThat(md).contains("<summary>+ build tools (spec changed)</summary>",
                "**Containerfile layer `packages`** (`images/tools/packages/Containerfile`): changed\n\n"
                        + "Build arguments:\n\n"
                        + "- `MIRROR`: added, `127.0.0.1:8080`\n"
                        + "- `PKG_VERSION`: `1.0` → `1.1`\n"
                        + "- `REPO`: removed (was `loopback`)\n\n"
                        + "**`images/tools/packages/Containerfile`** (mode 0644): changed\n\n"
                        + "```diff\n--- a/images/tools/packages/Containerfile\n+++ b/images/tools/packages/Containerfile\n",
                "\n-RUN dpkg -i /ctx/tools_${PKG_VERSION}.deb\n+RUN dpkg -i /ctx/tools_${PKG_VERSION}.deb && rm -f /ctx/*.deb\n",
                "Context `images/tools/packages`: 3 files changed\n\n",
                "**`big.txt`** (mode 0644): changed, too large to show (70001 → 70001 bytes): sha256:",
                "**`notes.txt`** (mode 0644): changed\n\n```diff\n--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n```",
                "**`secret.key`**: changed, contents hidden (secret): sha256:",
                "**Containerfile layer `module`** (`images/tools/module/Containerfile`): moved from layer 3 to layer 4 of 5\n\n",
                "**Containerfile layer `kmod`** (`images/tools/kmod/Containerfile`): added as layer 5 of 5\n\n"
                        + "**`images/tools/kmod/Containerfile`** (mode 0644): added\n\n```diff\n--- /dev/null\n",
                "**Containerfile layer `old-step`** (`images/tools/old/Containerfile`): removed (was layer 4)\n\n"
                        + "**`images/tools/old/Containerfile`** (mode 0644): removed\n\n```diff\n--- a/images/tools/old/Containerfile\n+++ /dev/null\n");
        assertThat(md).as("the keyfile, in the file layer and in the context").doesNotContain(SECRET, "xxxxxxxx");
        // The module layer's Containerfile did not change: no diff of it; the Containerfile is not repeated as context.
        assertThat(md).doesNotContain("a/images/tools/module/Containerfile", "**`Containerfile`**");
    }

    @Test
    void textListsTheSameFacts() throws Exception {
        twoCommits();

        Strata.Run run = PreviewScenarioTest.preview(dir, "text");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).contains("Containerfile layers of image tools:\n"
                        + "      layer packages (images/tools/packages/Containerfile): changed\n"
                        + "        build argument MIRROR: added, \"127.0.0.1:8080\"\n"
                        + "        build argument PKG_VERSION: \"1.0\" → \"1.1\"\n"
                        + "        build argument REPO: removed (was \"loopback\")\n"
                        + "        Containerfile: changed\n",
                "        context secret.key: changed, contents hidden (secret)",
                "      layer module (images/tools/module/Containerfile): moved from layer 3 to layer 4 of 5\n",
                "      layer kmod (images/tools/kmod/Containerfile): added as layer 5 of 5\n",
                "      layer old-step (images/tools/old/Containerfile): removed (was layer 4)\n");
        assertThat(run.out()).doesNotContain(SECRET);
    }

    @Test
    void jsonCarriesTheSameFactsAndValidates() throws Exception {
        twoCommits();

        Strata.Run run = PreviewScenarioTest.preview(dir, "json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).doesNotContain(SECRET, "xxxxxxxx");
        JsonNode root = JSON.readTree(run.out());
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(Files.readString(FleetRepo.EXAMPLE.resolveSibling("docs/plan.schema.json"))));
        assertThat(schema.validate(root)).as("docs/plan.schema.json").isEmpty();
        JsonNode layers = root.path("preview").path("containerfiles");
        assertThat(layers).hasSize(4);
        assertThat(layers.findValuesAsText("layer")).containsExactly("packages", "module", "kmod", "old-step");
        JsonNode packages = layers.get(0);
        assertThat(packages.path("change").asText()).isEqualTo("changed");
        assertThat(packages.path("containerfile").path("change").asText()).isEqualTo("changed");
        assertThat(JSON.writeValueAsString(packages.path("args"))).isEqualTo(
                "[{\"name\":\"MIRROR\",\"change\":\"added\",\"after\":\"127.0.0.1:8080\"},"
                        + "{\"name\":\"PKG_VERSION\",\"change\":\"changed\",\"before\":\"1.0\",\"after\":\"1.1\"},"
                        + "{\"name\":\"REPO\",\"change\":\"removed\",\"before\":\"loopback\"}]");
        assertThat(packages.path("contextFiles").findValuesAsText("path"))
                .containsExactly("big.txt", "notes.txt", "secret.key");
        assertThat(packages.path("contextFiles").get(2).path("hidden").asBoolean()).isTrue();
        JsonNode module = layers.get(1);
        assertThat(module.path("change").asText()).isEqualTo("moved");
        assertThat(module.path("moved").asBoolean()).isTrue();
        assertThat(module.path("fromPosition").asInt()).isEqualTo(3);
        assertThat(module.path("toPosition").asInt()).isEqualTo(4);
        assertThat(module.has("containerfile")).isFalse();
        assertThat(layers.get(2).path("change").asText()).isEqualTo("added");
        assertThat(layers.get(2).has("fromPosition")).isFalse();
        assertThat(layers.get(3).path("change").asText()).isEqualTo("removed");
        assertThat(layers.get(3).path("fromPosition").asInt()).isEqualTo(4);
        // Apply reads the plan part and ignores the preview.
        assertThat(PlanJson.parse(run.out()).actions()).isNotEmpty();
    }
}
