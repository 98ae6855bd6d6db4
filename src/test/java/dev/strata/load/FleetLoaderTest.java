package dev.strata.load;

import dev.strata.diag.Diagnostic;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.source.FolderTree;
import dev.strata.spec.Agent;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;
import dev.strata.validate.SchemaValidator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetLoaderTest {
    private static final String FLEET = """
            apiVersion: strata.dev/v1alpha1
            kind: Fleet
            metadata:
              name: test
            spec:
              registry: registry.example.com/fleet
            """;
    private static final String STREAM = """
            apiVersion: strata.dev/v1alpha1
            kind: Stream
            metadata:
              name: fcos-stable
            spec:
              image: quay.io/fedora/fedora-coreos
              tag: stable
            """;
    private static final String IMAGE = """
            apiVersion: strata.dev/v1alpha1
            kind: Image
            metadata:
              name: edge
            spec:
              from: {stream: fcos-stable}
            """;
    private static final String DOCKER_COMPOSE = """
            services:
              web:
                image: nginx:1.27
                ports: ["8080:80"]
            """;

    /** The repository; the fleet lives in its fleet/ folder, so there is room outside the fleet and outside the tree. */
    @TempDir
    Path temp;
    private Path repo;
    private Path fleet;

    @BeforeEach
    void layout() throws IOException {
        repo = Files.createDirectories(temp.resolve("repo"));
        fleet = Files.createDirectories(repo.resolve("fleet"));
    }

    private LoadResult load() throws IOException {
        return new FleetLoader(LoadLimits.DEFAULT, new SchemaValidator()).load(new FolderTree(repo), "fleet");
    }

    private void write(String path, String text) throws IOException {
        Path file = fleet.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void readsEveryYamlAndYmlFileBelowTheFleetFolder() throws IOException {
        write("fleet.yaml", FLEET);
        write("streams/fcos.yml", STREAM);
        write("images/deep/er/edge.yaml", IMAGE);
        write("images/README.md", "# not YAML\n");
        write("images/edge.yaml.orig", IMAGE.replace("edge", "stale"));

        LoadResult r = load();

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.fleets()).hasSize(1);
        assertThat(r.streams()).extracting(Stream::name).containsExactly("fcos-stable");
        assertThat(r.images()).extracting(Image::name).containsExactly("edge");
        assertThat(r.images().get(0).origin().file()).isEqualTo("fleet/images/deep/er/edge.yaml");
        assertThat(r.stats()).isEqualTo(new LoadResult.Stats(3, 3, 0));
    }

    @Test
    void skipsHiddenFoldersAndHiddenFiles() throws IOException {
        write("fleet.yaml", FLEET);
        // Read, these would be a second Fleet and a duplicate image.
        write(".github/workflows/fleet.yaml", FLEET);
        write("images/.edge.yaml", IMAGE);
        write("images/.backup/edge.yaml", IMAGE);
        write("images/edge.yaml", IMAGE);

        LoadResult r = load();

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.images()).hasSize(1);
        assertThat(r.stats().files()).isEqualTo(2);
    }

    @Test
    void countsAndIgnoresYamlThatIsNotStratas() throws IOException {
        write("fleet.yaml", FLEET);
        write("docker-compose.yml", DOCKER_COMPOSE);
        write("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\n- just\n- a list\n");

        LoadResult r = load();

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.stats()).isEqualTo(new LoadResult.Stats(3, 4, 3));
    }

    @Test
    void reportsAStrataDocumentOfAnotherApiVersion() throws IOException {
        write("fleet.yaml", FLEET);
        write("images/edge.yaml", IMAGE.replace("strata.dev/v1alpha1", "strata.dev/v9"));

        LoadResult r = load();

        assertThat(r.images()).isEmpty();
        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo("spec.api-version");
            assertThat(d.location()).isEqualTo(new Location("fleet/images/edge.yaml", 1, 13));
            assertThat(d.message()).contains("strata.dev/v9");
        });
        assertThat(r.stats().ignored()).isZero();
    }

    @Test
    void reportsAStrataKindWithAMisspeltStrataApiVersionRatherThanIgnoringIt() throws IOException {
        write("fleet.yaml", FLEET);
        write("images/edge.yaml", IMAGE.replace("strata.dev/v1alpha1", "strata/v1alpha1"));
        write("images/other.yaml", IMAGE.replace("strata.dev/v1alpha1", "image.openshift.io/v1"));

        LoadResult r = load();

        assertThat(r.diagnostics()).extracting(Diagnostic::check).containsExactly("spec.api-version");
        assertThat(r.diagnostics().get(0).location().file()).isEqualTo("fleet/images/edge.yaml");
        assertThat(r.stats().ignored()).as("another API's Image is not Strata's").isEqualTo(1);
    }

    @Test
    void reportsAStrataKindWithoutApiVersionRatherThanIgnoringIt() throws IOException {
        write("fleet.yaml", FLEET);
        write("images/edge.yaml", IMAGE.replace("apiVersion: strata.dev/v1alpha1\n", ""));

        LoadResult r = load();

        assertThat(r.diagnostics()).extracting(Diagnostic::check).containsExactly("schema.required");
        assertThat(r.stats().ignored()).isZero();
    }

    @Test
    void reportsASecondFleetAtItsStartNamingTheFirst() throws IOException {
        write("fleet.yaml", FLEET);
        write("other/more.yaml", STREAM + "---\n" + FLEET.replace("name: test", "name: other"));

        LoadResult r = load();

        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo("fleet.duplicate");
            assertThat(d.location()).isEqualTo(new Location("fleet/other/more.yaml", 9, 1));
            assertThat(d.message()).contains("fleet/fleet.yaml:1:1");
        });
    }

    @Test
    void reportsAFolderWithoutAFleet() throws IOException {
        write("streams/fcos.yaml", STREAM);

        LoadResult r = load();

        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo("fleet.missing");
            assertThat(d.location()).isEqualTo(Location.of("fleet"));
            assertThat(d.message()).contains("1 YAML file read");
        });
    }

    @Test
    void reportsAndDoesNotReadASpecFileLinkedFromOutsideTheRepository() throws IOException {
        write("fleet.yaml", FLEET);
        Path outside = Files.writeString(temp.resolve("elsewhere.yaml"), IMAGE);
        Files.createDirectories(fleet.resolve("images"));
        Files.createSymbolicLink(fleet.resolve("images/edge.yaml"), outside);

        LoadResult r = load();

        assertThat(r.images()).isEmpty();
        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo("file.source-escapes");
            assertThat(d.location()).isEqualTo(Location.of("fleet/images/edge.yaml"));
            assertThat(d.message()).contains("outside the repository");
        });
        assertThat(r.stats().documents()).isEqualTo(1);
    }

    @Test
    void readsASpecFileLinkedFromInsideTheRepository() throws IOException {
        write("fleet.yaml", FLEET);
        Path shared = Files.createDirectories(repo.resolve("shared"));
        Files.writeString(shared.resolve("edge.yaml"), IMAGE);
        Files.createDirectories(fleet.resolve("images"));
        Files.createSymbolicLink(fleet.resolve("images/edge.yaml"), Path.of("../../shared/edge.yaml"));

        LoadResult r = load();

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.images()).extracting(Image::name).containsExactly("edge");
        // Positions and relative sources belong to the path the fleet names, not the link's target.
        assertThat(r.images().get(0).origin().file()).isEqualTo("fleet/images/edge.yaml");
    }

    @Test
    void locatesDiagnosticsOfLaterChecksInTheDocumentsItRead() throws IOException {
        write("fleet.yaml", FLEET);
        write("images/edge.yaml", STREAM + "---\n" + IMAGE);

        LoadResult r = load();
        Image edge = r.images().get(0);

        assertThat(r.at(edge.origin(), PropertyPath.of("spec", "from", "stream")))
                .isEqualTo(new Location("fleet/images/edge.yaml", 14, 18));
    }

    @Test
    void checksFilesReadBeforeTheShapeCheckWasReadyAfterwards() throws IOException {
        write("fleet.yaml", FLEET);
        write("streams/fcos.yaml", STREAM);
        write("images/edge.yaml", IMAGE + "---\n" + IMAGE.replace("name: edge", "name: Bad_Name"));
        SchemaValidator schemas = new SchemaValidator();
        ShapeCheck compiling = new ShapeCheck() {
            @Override
            public List<Diagnostic> check(YamlDocument document, Kind kind) {
                return schemas.check(document, kind);
            }

            @Override
            public boolean ready() {
                return false;
            }
        };

        LoadResult deferred = new FleetLoader(LoadLimits.DEFAULT, compiling).load(new FolderTree(repo), "fleet");
        LoadResult direct = load();

        assertThat(deferred.images()).extracting(Image::name).containsExactly("edge");
        assertThat(deferred.streams()).hasSize(1);
        assertThat(deferred.diagnostics()).extracting(Diagnostic::check).containsExactly("name.invalid");
        assertThat(deferred.diagnostics()).isEqualTo(direct.diagnostics());
        assertThat(deferred.images()).isEqualTo(direct.images());
    }

    @Test
    void filesThatWaitedForTheShapeCheckAreCheckedOnceWhenItBecomesReady() throws IOException {
        write("fleet.yaml", FLEET);
        write("streams/fcos.yaml", STREAM);
        for (int i = 0; i < 40; i++) {
            write("images/img-" + i + ".yaml", IMAGE.replace("name: edge", i % 10 == 3 ? "name: Bad_" + i : "name: img-" + i));
        }
        SchemaValidator schemas = new SchemaValidator();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<Origin> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        ShapeCheck becomingReady = new ShapeCheck() {
            @Override
            public List<Diagnostic> check(YamlDocument document, Kind kind) {
                checks.incrementAndGet();
                checked.add(new Origin(document.file(), document.index()));
                return schemas.check(document, kind);
            }

            @Override
            public boolean ready() {
                return asked.incrementAndGet() > 12; // the first files are read while the schemas "compile"
            }
        };

        LoadResult r = new FleetLoader(LoadLimits.DEFAULT, becomingReady).load(new FolderTree(repo), "fleet");
        LoadResult direct = load();

        assertThat(checks.get()).isEqualTo(42).isEqualTo(checked.size());
        assertThat(r.diagnostics()).isEqualTo(direct.diagnostics()).hasSize(4);
        assertThat(r.images()).isEqualTo(direct.images()).hasSize(36);
        assertThat(r.streams()).isEqualTo(direct.streams());
    }

    @Test
    void keepsTheDocumentsItReadWithTheirContent() throws IOException {
        write("fleet.yaml", FLEET);
        write("images/edge.yaml", STREAM + "---\n" + IMAGE);

        LoadResult r = load();
        YamlDocument image = r.documents().get(new Origin("fleet/images/edge.yaml", 1));

        assertThat(r.documents()).hasSize(3);
        assertThat(image.json().path("spec").path("from").path("stream").asText()).isEqualTo("fcos-stable");
        assertThat(image.keyAt(PropertyPath.of("spec", "from"))).isEqualTo(new Location("fleet/images/edge.yaml", 14, 3));
    }

    @Test
    void bindsAGroupsAgentSettingsAndDefaultsThemWhenAbsent() throws IOException {
        write("fleet.yaml", FLEET);
        String group = """
                apiVersion: strata.dev/v1alpha1
                kind: MachineGroup
                metadata: {name: %s}
                spec:
                  image: edge
                  delivery: bootc
                  machines: [{id: %s, name: %s-01}]
                """;
        write("groups/plain.yaml", group.formatted("plain", "5a38c7243b581f6fa33acc35d74b7264", "plain"));
        write("groups/tuned.yaml", group.formatted("tuned", "ea4ef04dcebc699c43ddf7f50a9eefd9", "tuned") + """
                  agent:
                    connectivityTimeout: 20m
                    checks:
                      - {http: "https://gw.example.internal/healthz"}
                      - {tcp: "[fd00::1]:53"}
                """);
        write("groups/off.yaml", group.formatted("off", "71ec6f0c5732ce1d2babc6247b03d36d", "off") + "  agent: {enabled: false}\n");

        LoadResult r = load();

        assertThat(r.diagnostics()).isEmpty();
        java.util.Map<String, Agent> agents = new java.util.HashMap<>();
        r.groups().forEach(g -> agents.put(g.name(), g.agent()));
        assertThat(agents.get("plain")).isEqualTo(Agent.DEFAULT);
        assertThat(agents.get("tuned")).isEqualTo(new Agent(true, java.time.Duration.ofMinutes(20), java.util.List.of(
                new Agent.Check(Agent.Check.Type.HTTP, "https://gw.example.internal/healthz"),
                new Agent.Check(Agent.Check.Type.TCP, "[fd00::1]:53"))));
        assertThat(agents.get("off").enabled()).isFalse();
    }
}
