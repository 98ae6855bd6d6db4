package dev.strata.scenario;

import dev.strata.testing.ExampleFleet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

/**
 * A real Git repository in a temp folder, built with JGit's porcelain. Every commit has the same
 * author and committer and a time one minute after the one before, so the same edits always give
 * the same commit ids, and golden files can name them.
 */
final class FleetRepo implements AutoCloseable {
    static final Path EXAMPLE = ExampleFleet.DIR;
    static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    final Path dir;
    private final Git git;
    private int commits;

    private FleetRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    static FleetRepo init(Path dir) throws GitAPIException, IOException {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        // The user's own Git settings must not change the bytes committed, or whether commits are signed.
        StoredConfig config = git.getRepository().getConfig();
        config.setBoolean("core", null, "autocrlf", false);
        config.setBoolean("commit", null, "gpgsign", false);
        config.save();
        return new FleetRepo(dir, git);
    }

    /** The files of fleet-example/, at the repository root. */
    FleetRepo copyExample() {
        return copyExample(true);
    }

    /**
     * fleet-example without its images with containerfile layers (edge-wifi, dc-kmod): for scenarios that
     * build on a base without a shell and are about rollouts, which those images, run by no group, take no
     * part in. ContainerfileExamplesTest and ExampleFleetApplyTest build them.
     */
    FleetRepo copyExampleWithoutContainerfileImages() {
        return copyExample(false);
    }

    private FleetRepo copyExample(boolean containerfileImages) {
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (!containerfileImages && ExampleFleet.containerfileImage(EXAMPLE.relativize(f))) continue;
                write(EXAMPLE.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FleetRepo write(String path, String content) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String read(String path) {
        try {
            return Files.readString(dir.resolve(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces text that must be there: a scenario that no longer matches fleet-example fails loudly. */
    FleetRepo replace(String path, String from, String to) {
        String text = read(path);
        if (!text.contains(from)) throw new AssertionError(path + " does not contain '" + from + "'; update the scenario");
        return write(path, text.replace(from, to));
    }

    RevCommit commit(String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = nextIdent();
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    /** {@code git revert}: a new commit that undoes {@code commit}, with the message git gives it. */
    RevCommit revert(RevCommit commit) throws GitAPIException {
        RevCommit reverted = git.revert().include(commit).call();
        if (reverted == null) throw new AssertionError("reverting " + commit.name() + " conflicted");
        // JGit stamps a revert with the current time: restamp it so its id is fixed too.
        PersonIdent who = nextIdent();
        return git.commit().setAmend(true).setMessage(reverted.getFullMessage()).setAuthor(who).setCommitter(who)
                .setSign(false).call();
    }

    private PersonIdent nextIdent() {
        return new PersonIdent("Fleet Admin", "admin@example.com", T0.plusSeconds(60L * commits++), ZoneOffset.UTC);
    }

    @Override
    public void close() {
        git.close();
    }
}
