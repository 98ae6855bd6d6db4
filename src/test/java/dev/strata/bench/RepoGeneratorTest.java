package dev.strata.bench;

import dev.strata.source.GitSource;
import dev.strata.source.GitTree;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class RepoGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void buildsTheHistoryAndFilesAsked() throws Exception {
        Path dir = tmp.resolve("gen.git");
        ObjectId head = RepoGenerator.generate(dir, 250, 230);
        try (Git git = Git.open(dir.toFile())) {
            long commits = StreamSupport.stream(git.log().call().spliterator(), false).count();
            assertThat(commits).isEqualTo(250);
        }
        // git itself accepts the objects written by hand (tree order, modes, commit format).
        if (gitOnPath()) {
            Process fsck = new ProcessBuilder("git", "-C", dir.toString(), "fsck", "--strict").redirectErrorStream(true).start();
            String out = new String(fsck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(fsck.waitFor()).as(out).isZero();
        }
        try (GitSource source = GitSource.open(dir.toString())) {
            GitTree tree = source.head();
            assertThat(tree.commitId()).isEqualTo(head.name());
            assertThat(tree.listSpecFiles("")).hasSize(231).startsWith("fleet/fleet.yaml", "fleet/groups/d000/m00000.yaml")
                    .endsWith("fleet/groups/d002/m00229.yaml");
            int last = (int) ((249 * 7919L) % 230);
            String lastFile = "fleet/groups/d00" + (last / 100) + "/" + RepoGenerator.fileName(last);
            assertThat(source.changedPaths(source.at("HEAD~1"), tree)).containsExactly(lastFile);
            assertThat(new String(tree.read(lastFile, 10_000), StandardCharsets.UTF_8)).contains("revision: \"249\"");
        }
    }

    private static boolean gitOnPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, "git"))) return true;
        }
        return false;
    }
}
