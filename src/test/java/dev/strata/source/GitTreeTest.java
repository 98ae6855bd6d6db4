package dev.strata.source;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitTreeTest {
    @TempDir
    Path tmp;

    private String text(SpecTree tree, String path) throws Exception {
        return new String(tree.read(path, 1 << 20), StandardCharsets.UTF_8);
    }

    @Test
    void readsTheCommittedContentAndIgnoresADirtyWorkTree() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "committed\n").commit("one");
            repo.write("fleet.yaml", "edited, not committed\n").write("new.yaml", "untracked\n");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.listSpecFiles("")).containsExactly("fleet.yaml");
                assertThat(text(tree, "fleet.yaml")).isEqualTo("committed\n");

                SpecTree worktree = source.worktree();
                assertThat(worktree.listSpecFiles("")).containsExactly("fleet.yaml", "new.yaml");
                assertThat(text(worktree, "fleet.yaml")).isEqualTo("edited, not committed\n");
                assertThat(source.workTree()).contains(repo.dir.toRealPath());
            }
        }
    }

    @Test
    void listsSpecFilesSortedSkippingHiddenFilesAndFolders() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "a").write("groups/b.yml", "b").write("groups/a.yaml", "a")
                    .write("groups/deep/er/c.yaml", "c").write(".github/workflows/ci.yaml", "x")
                    .write("groups/.hidden.yaml", "x").write("groups/.tmp/x.yaml", "x")
                    .write("README.md", "x").write("groups/notes.txt", "x");
            repo.commit("layout");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.listSpecFiles("")).containsExactly(
                        "fleet.yaml", "groups/a.yaml", "groups/b.yml", "groups/deep/er/c.yaml");
                assertThat(tree.listSpecFiles("groups/deep")).containsExactly("groups/deep/er/c.yaml");
                assertThat(tree.listSpecFiles("./groups/../groups/deep/")).containsExactly("groups/deep/er/c.yaml");
                assertThat(tree.listSpecFiles("")).isSameAs(tree.listSpecFiles("")); // cached per snapshot
                assertThatThrownBy(() -> tree.listSpecFiles("nowhere")).isInstanceOf(NoSuchFileException.class);
            }
        }
    }

    @Test
    void resolvesFilesFoldersAndTheExecutableBit() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("images/files/run.sh", "#!/bin/sh\n").write("images/files/a.conf", "abc");
            Files.setPosixFilePermissions(repo.dir.resolve("images/files/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
            repo.commit("files");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.resolve("images/files/a.conf")).isEqualTo(new SpecTree.Resolved.File("images/files/a.conf", 3, false));
                assertThat(tree.resolve("images/files/run.sh")).isEqualTo(new SpecTree.Resolved.File("images/files/run.sh", 10, true));
                assertThat(tree.resolve("images/./files/../files")).isEqualTo(new SpecTree.Resolved.Folder("images/files"));
                assertThat(tree.resolve("")).isEqualTo(new SpecTree.Resolved.Folder(""));
                assertThat(tree.resolve("images/nope")).isEqualTo(new SpecTree.Resolved.Missing());
                assertThat(tree.resolve("images/files/a.conf/x")).isInstanceOf(SpecTree.Resolved.Missing.class);
            }
        }
    }

    @Test
    void aFileKeepsItsContentIdAcrossCommitsUntilItsBytesChange() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("a.yaml", "a: 1\n").write("b.yaml", "b: 1\n").symlink("link.yaml", "a.yaml");
            repo.commit("first");
            repo.write("b.yaml", "b: 2\n");
            repo.commit("second");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree first = source.at("HEAD~1");
                GitTree second = source.at("HEAD");
                assertThat(second.contentId("a.yaml")).isPresent().isEqualTo(first.contentId("a.yaml"));
                assertThat(second.contentId("b.yaml")).isPresent().isNotEqualTo(first.contentId("b.yaml"));
                // the blob the symlink leads to, not the link itself
                assertThat(first.contentId("link.yaml")).isEqualTo(first.contentId("a.yaml"));
                // the same bytes under another name share the id; a reader keys on the path as well
                repo.write("c.yaml", "a: 1\n");
                repo.commit("third");
                assertThat(source.at("HEAD").contentId("c.yaml")).isEqualTo(first.contentId("a.yaml"));
                assertThat(first.contentId("")).isEmpty();
                assertThat(first.contentId("missing.yaml")).isEmpty();
                assertThat(first.contentId("../a.yaml")).isEmpty();
            }
        }
    }

    @Test
    void followsSymlinksThatStayInsideTheTree() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("shared/base.yaml", "base\n").write("shared/conf/x.conf", "x")
                    .symlink("groups/base.yaml", "../shared/base.yaml")
                    .symlink("images/files", "../shared/conf")
                    .symlink("images/chain", "files/x.conf");
            repo.commit("links");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.resolve("groups/base.yaml")).isEqualTo(new SpecTree.Resolved.File("shared/base.yaml", 5, false));
                assertThat(text(tree, "groups/base.yaml")).isEqualTo("base\n");
                // a symlinked folder in the middle of a path, then a symlink to a path through it
                assertThat(tree.resolve("images/files/x.conf")).isEqualTo(new SpecTree.Resolved.File("shared/conf/x.conf", 1, false));
                assertThat(tree.resolve("images/chain")).isEqualTo(new SpecTree.Resolved.File("shared/conf/x.conf", 1, false));
                assertThat(tree.resolve("images/files")).isEqualTo(new SpecTree.Resolved.Folder("shared/conf"));
                // symlinks named *.yaml are listed (as the folder tree lists them); symlinked folders are not descended
                assertThat(tree.listSpecFiles("")).containsExactly("groups/base.yaml", "shared/base.yaml");
            }
        }
    }

    @Test
    void symlinksAndPathsLeadingOutsideTheTreeEscape() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "x")
                    .symlink("groups/passwd.yaml", "../../etc/passwd")
                    .symlink("groups/abs.yaml", "/etc/passwd")
                    .symlink("up", "..")
                    .symlink("loop-a", "loop-b").symlink("loop-b", "loop-a");
            repo.commit("escapes");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.resolve("groups/passwd.yaml")).isInstanceOfSatisfying(SpecTree.Resolved.Escapes.class,
                        e -> assertThat(e.reason()).isEqualTo(
                                "groups/passwd.yaml is a symlink to ../../etc/passwd, outside the repository"));
                assertThat(tree.resolve("groups/abs.yaml")).isInstanceOf(SpecTree.Resolved.Escapes.class);
                assertThat(tree.resolve("up/etc/passwd")).isInstanceOfSatisfying(SpecTree.Resolved.Escapes.class,
                        e -> assertThat(e.reason()).contains("through up"));
                assertThat(tree.resolve("../outside.yaml")).isInstanceOfSatisfying(SpecTree.Resolved.Escapes.class,
                        e -> assertThat(e.reason()).isEqualTo("../outside.yaml is outside the repository"));
                assertThat(tree.resolve("groups/../../x")).isInstanceOf(SpecTree.Resolved.Escapes.class);
                assertThat(tree.resolve("loop-a")).isInstanceOfSatisfying(SpecTree.Resolved.Missing.class,
                        m -> assertThat(m.reason()).contains("too many levels of symlinks"));
                assertThatThrownBy(() -> tree.read("groups/passwd.yaml", 100)).isInstanceOf(NoSuchFileException.class);
            }
            Files.delete(repo.dir.resolve("groups/abs.yaml")); // spares JUnit's warning about links leaving the temp dir
        }
    }

    @Test
    void submodulesAreMissingWithAReason() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r")); TestRepo sub = TestRepo.init(tmp.resolve("r/vendor/lib"))) {
            sub.write("lib.yaml", "x").commit("sub");
            repo.write("fleet.yaml", "x").commit("with submodule");
            assertThat(repo.git.getRepository().readDirCache().getEntry("vendor/lib").getFileMode())
                    .isEqualTo(org.eclipse.jgit.lib.FileMode.GITLINK);
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.resolve("vendor/lib/lib.yaml")).isInstanceOfSatisfying(SpecTree.Resolved.Missing.class,
                        m -> assertThat(m.reason()).startsWith("vendor/lib is a Git submodule (commit ")
                                .endsWith("); submodules are not read"));
                assertThat(tree.listSpecFiles("")).containsExactly("fleet.yaml");
            }
        }
    }

    @Test
    void readEnforcesTheLimit() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("big.yaml", "x".repeat(1000)).commit("big");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.read("big.yaml", 1000)).hasSize(1000);
                assertThatThrownBy(() -> tree.read("big.yaml", 999)).isInstanceOf(SpecTree.TooLargeException.class)
                        .hasMessage("big.yaml is larger than 999 bytes");
            }
        }
    }

    @Test
    void describesItselfAsRepositoryAtShortCommit() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            RevCommit c = repo.write("fleet.yaml", "x").commit("one");
            try (GitSource source = GitSource.open(repo.dir.toString())) {
                GitTree tree = source.head();
                assertThat(tree.revision()).contains(c.name());
                assertThat(tree.commitId()).hasSize(40).isEqualTo(c.name());
                assertThat(tree.describe()).isEqualTo(repo.dir + "@" + c.name().substring(0, 12));
            }
        }
    }

    @Test
    void readsABareRepository() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "x").commit("one");
            Path bare = tmp.resolve("bare.git");
            Git.cloneRepository().setURI(repo.dir.toUri().toString()).setBare(true).setDirectory(bare.toFile()).call().close();
            try (GitSource source = GitSource.open(bare.toString())) {
                assertThat(source.head().listSpecFiles("")).containsExactly("fleet.yaml");
                assertThat(source.workTree()).isEmpty();
                assertThatThrownBy(source::worktree).isInstanceOf(SourceException.class)
                        .hasMessageContaining("is a bare repository");
            }
        }
    }
}
