package dev.strata.load;

import dev.strata.source.FolderTree;
import dev.strata.spec.Image;
import dev.strata.validate.SchemaValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A loader with a file cache parses a file again only when its bytes changed, gives the same result
 * as a loader without one, and forgets files that left the fleet.
 */
class FileCacheTest {
    @TempDir
    Path repo;

    private final FleetLoader.FileCache cache = new FleetLoader.FileCache();
    private final FleetLoader cached = new FleetLoader(LoadLimits.DEFAULT, new SchemaValidator(), Optional.of(cache));
    private final FleetLoader plain = new FleetLoader(LoadLimits.DEFAULT, new SchemaValidator());

    private void write(String path, String text) throws Exception {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String image(String name, String motd) {
        return """
                apiVersion: strata.dev/v1alpha1
                kind: Image
                metadata: {name: %s}
                spec:
                  from: {ref: "quay.io/fedora/fedora-coreos@sha256:%s"}
                  layers: [{name: l, files: [{path: /etc/motd, content: "%s"}]}]
                """.formatted(name, "a".repeat(64), motd);
    }

    /** Equal in everything but the documents kept for locating diagnostics, which have no equality. */
    private static void assertSame(LoadResult actual, LoadResult expected) {
        assertThat(actual.fleets()).isEqualTo(expected.fleets());
        assertThat(actual.streams()).isEqualTo(expected.streams());
        assertThat(actual.images()).isEqualTo(expected.images());
        assertThat(actual.groups()).isEqualTo(expected.groups());
        assertThat(actual.declared()).isEqualTo(expected.declared());
        assertThat(actual.documents().keySet()).isEqualTo(expected.documents().keySet());
        assertThat(actual.diagnostics()).isEqualTo(expected.diagnostics());
        assertThat(actual.stats()).isEqualTo(expected.stats());
    }

    @Test
    void unchangedFilesAreReusedChangedOnesReadAgainAndDeletedOnesForgotten() throws Exception {
        write("fleet.yaml", "apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {}\n");
        write("images/a.yaml", image("a", "one"));
        write("images/b.yaml", image("b", "two"));
        FolderTree tree = new FolderTree(repo);

        LoadResult first = cached.load(tree, "");
        assertThat(cache.size()).isEqualTo(3);
        LoadResult again = cached.load(tree, "");
        assertThat(again.images().get(0)).as("the very record bound the first time").isSameAs(first.images().get(0));
        assertSame(again, plain.load(tree, ""));

        write("images/b.yaml", image("b", "three"));
        LoadResult changed = cached.load(tree, "");
        assertThat(changed.images().get(0)).isSameAs(first.images().get(0));
        Image b = changed.images().get(1);
        assertThat(b.layers().get(0).files().get(0).content()).contains("three");
        assertSame(changed, plain.load(tree, ""));

        write("images/b.yaml", image("b", "three\" broken"));
        LoadResult broken = cached.load(tree, "");
        assertThat(broken.diagnostics()).anyMatch(d -> d.location().file().equals("images/b.yaml") && d.isError());

        Files.delete(repo.resolve("images/b.yaml"));
        LoadResult fewer = cached.load(tree, "");
        assertThat(fewer.images()).extracting(Image::name).containsExactly("a");
        assertThat(cache.size()).isEqualTo(2);
    }
}
