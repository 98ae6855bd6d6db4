package dev.strata.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected outputs under src/test/resources/scenarios. Run with {@code -Dstrata.updateGoldens=true}
 * to rewrite them from what the code prints now; then read every changed file before committing it.
 */
final class Goldens {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
            .resolve("src/test/resources/scenarios");
    static final boolean UPDATE = Boolean.getBoolean("strata.updateGoldens");

    private Goldens() {
    }

    static void assertMatches(String name, String actual) throws IOException {
        Path file = ROOT.resolve(name);
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(file).as("golden file %s (run with -Dstrata.updateGoldens=true to create it)", name).exists();
        assertThat(actual).as("output compared with %s (-Dstrata.updateGoldens=true rewrites it)", name)
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
