package dev.strata.e2e;

import dev.strata.testing.ExampleFleet;
import dev.strata.testing.TestRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

/**
 * fleet-example in a real Git repository, pointed at the test registry: derived images are pushed to
 * {@code <registry>/fleet}, FCOS is pulled through the mirror {@code <registry>/fedora}, and the stream
 * is pinned to the FCOS-like base pushed there. Everything else is the example as shipped, less the images
 * with containerfile layers.
 */
final class ExampleRepo implements AutoCloseable {
    static final Path EXAMPLE = ExampleFleet.DIR;
    static final String BOND0 = "images/files/bond0.nmconnection";
    static final String DC_EAST = "groups/dc-east.yaml";

    final Path dir;
    private final Git git;
    private int commits;

    private ExampleRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    /** The example with {@code edits}, committed once, with {@code baseDigest} the digest of the base under the mirror path. */
    static ExampleRepo create(Path dir, TestRegistry registry, String baseDigest,
                              java.util.function.UnaryOperator<ExampleRepo> edits) throws Exception {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        StoredConfig config = git.getRepository().getConfig();
        config.setBoolean("commit", null, "gpgsign", false);
        config.save();
        ExampleRepo repo = new ExampleRepo(dir, git);
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            // Without the images with containerfile layers (edge-wifi, dc-kmod): no group runs them, and the
            // scenarios' base has no shell; ContainerfileExamplesTest and ExampleFleetApplyTest build them.
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (ExampleFleet.containerfileImage(EXAMPLE.relativize(f))) continue;
                repo.write(EXAMPLE.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        repo.replace("fleet.yaml", "registry: registry.example.com/fleet", "registry: " + registry.reference("fleet"));
        repo.replace("fleet.yaml", "insecureRegistries: []", "insecureRegistries: [\"" + registry.host() + "\"]");
        repo.replace("fleet.yaml", "to: mirror.example.com/fedora", "to: " + registry.reference("fedora"));
        String stream = repo.read("streams/fcos-stable.yaml");
        repo.write("streams/fcos-stable.yaml", stream.replaceAll("pin: sha256:[0-9a-f]{64}", "pin: " + baseDigest));
        edits.apply(repo);
        repo.commit("fleet-example, pushing to the test registry");
        return repo;
    }

    String read(String path) {
        try {
            return Files.readString(dir.resolve(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ExampleRepo write(String path, String content) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Replaces text that must be there, so a scenario that no longer matches fleet-example fails loudly. */
    ExampleRepo replace(String path, String from, String to) {
        String text = read(path);
        if (!text.contains(from)) throw new AssertionError(path + " does not contain '" + from + "'; update the scenario");
        return write(path, text.replace(from, to));
    }

    /** The bond0 change of the scenarios: link monitoring every 50 ms instead of 100, one line of bond0.nmconnection. */
    ExampleRepo changeBond0() {
        return replace(BOND0, "miimon=100", "miimon=50");
    }

    /** Commits everything; returns the commit id. */
    String commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = new PersonIdent("Fleet Admin", "admin@example.com",
                Instant.parse("2026-11-20T09:00:00Z").plusSeconds(60L * commits++), ZoneOffset.UTC);
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call().name();
    }

    @Override
    public void close() {
        git.close();
    }
}
