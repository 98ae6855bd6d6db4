package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.Diagnostic;
import dev.strata.diag.Severity;
import dev.strata.source.FolderTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One small invalid fleet per check id in src/test/resources/invalid/&lt;check-id&gt;/, each with the
 * diagnostics it produces in expected.txt, one per line:
 * {@code file:line:col severity check-id path | message} (file relative to the fixture folder; a
 * diagnostic about a whole file or folder has no line and column, and the path is left out when empty).
 *
 * <p>After an intended change to checks or messages, regenerate the goldens and review every diff:
 * {@code mvn -q -B test -Dtest=InvalidFixturesTest -Dstrata.updateGoldens=true}. The default run compares.
 */
class InvalidFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/invalid");
    private static final boolean UPDATE = Boolean.getBoolean("strata.updateGoldens");
    private static final Validator VALIDATOR = new Validator();

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> folders = Files.list(FIXTURES)) {
            return folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureProducesItsGoldenDiagnostics(String checkId) throws IOException {
        Path folder = FIXTURES.resolve(checkId);
        Validation validation = VALIDATOR.validate(new FolderTree(folder), "");
        List<String> actual = validation.diagnostics().stream().map(InvalidFixturesTest::golden).toList();
        Path expectedFile = folder.resolve("expected.txt");
        if (UPDATE) {
            Files.writeString(expectedFile, actual.stream().map(l -> l + "\n").collect(Collectors.joining()), StandardCharsets.UTF_8);
        }

        assertThat(expectedFile).as("golden file of fixture %s", checkId).exists();
        assertThat(actual).as("diagnostics of fixture %s (regenerate with -Dstrata.updateGoldens=true)", checkId)
                .containsExactlyElementsOf(Files.readAllLines(expectedFile, StandardCharsets.UTF_8));
        assertThat(validation.diagnostics()).extracting(Diagnostic::check)
                .as("fixture %s must trigger its own check", checkId).contains(checkId);
        Check.byId(checkId).filter(c -> c.severity() == Severity.WARNING).ifPresent(c ->
                assertThat(validation.valid()).as("warning fixture %s is otherwise a valid fleet", checkId).isTrue());
    }

    @Test
    void everyCheckHasAFixtureAndEveryFixtureNamesACheck() throws IOException {
        Set<String> folders = fixtures().collect(Collectors.toSet());
        Set<String> checks = Arrays.stream(Check.values()).map(Check::id).collect(Collectors.toSet());

        assertThat(checks).as("checks without a fixture folder in %s", FIXTURES).isSubsetOf(folders);
        assertThat(folders).as("fixture folders in %s that name no check", FIXTURES).isSubsetOf(checks);
    }

    static String golden(Diagnostic d) {
        return d.location() + " " + d.severity().label() + " " + d.check()
                + (d.path().isEmpty() ? "" : " " + d.path()) + " | " + d.message();
    }
}
