package dev.strata.source;

import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitSourceTest {
    @TempDir
    Path tmp;

    private static String text(SpecTree tree, String path) throws Exception {
        return new String(tree.read(path, 1 << 20), StandardCharsets.UTF_8);
    }

    private GitSource.Options options() {
        return GitSource.Options.defaults().withCacheDir(tmp.resolve("cache")).withEnv(Map.of())
                .withHome(tmp.resolve("home"));
    }

    @Test
    void readsAtABranchATagACommitAndHead() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            RevCommit one = repo.write("fleet.yaml", "v1\n").commit("one");
            repo.git.tag().setName("v1").setAnnotated(true).setMessage("release 1").call();
            repo.git.tag().setName("light").setAnnotated(false).call();
            repo.git.branchCreate().setName("stable").call();
            RevCommit two = repo.write("fleet.yaml", "v2\n").commit("two");

            try (GitSource source = GitSource.open(repo.dir.toString(), options())) {
                assertThat(text(source.at(null), "fleet.yaml")).isEqualTo("v2\n");
                assertThat(source.at("").commitId()).isEqualTo(two.name());
                assertThat(source.at("HEAD").commitId()).isEqualTo(two.name());
                assertThat(source.at("main").commitId()).isEqualTo(two.name());
                assertThat(source.at("stable").commitId()).isEqualTo(one.name());
                assertThat(source.at("refs/heads/stable").commitId()).isEqualTo(one.name());
                assertThat(source.at("v1").commitId()).isEqualTo(one.name()); // annotated tag, peeled
                assertThat(source.at("light").commitId()).isEqualTo(one.name());
                assertThat(source.at(one.name()).commitId()).isEqualTo(one.name());
                assertThat(source.at(one.name().substring(0, 8)).commitId()).isEqualTo(one.name());
                assertThat(source.at("HEAD~1").commitId()).isEqualTo(one.name());
                assertThat(text(source.at("v1"), "fleet.yaml")).isEqualTo("v1\n");
                assertThat(source.at("main")).isSameAs(source.at(two.name())); // one snapshot per commit
            }
        }
    }

    @Test
    void thePushedRefIsTheBranchOrTagAPushMoves() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            RevCommit one = repo.write("fleet.yaml", "v1\n").commit("one");
            repo.git.tag().setName("v1").setAnnotated(true).setMessage("release 1").call();
            repo.git.branchCreate().setName("stable").call();
            repo.write("fleet.yaml", "v2\n").commit("two");
            try (GitSource source = GitSource.open(repo.dir.toString(), options())) {
                assertThat(source.pushedRef(null)).contains("refs/heads/main"); // HEAD, followed to its branch
                assertThat(source.pushedRef("HEAD")).contains("refs/heads/main");
                assertThat(source.pushedRef("stable")).contains("refs/heads/stable");
                assertThat(source.pushedRef("refs/heads/stable")).contains("refs/heads/stable");
                assertThat(source.pushedRef("v1")).contains("refs/tags/v1");
                assertThat(source.pushedRef("release")).as("not pushed yet").contains("refs/heads/release");
                assertThat(source.pushedRef(one.name())).as("a commit never moves").isEmpty();
                assertThat(source.pushedRef(one.name().substring(0, 8))).isEmpty();
                assertThat(source.pushedRef("main~1")).isEmpty();
                repo.git.checkout().setName("stable").call();
                assertThat(source.pushedRef(null)).as("read now, not at open").contains("refs/heads/stable");
            }
        }
        try (TestRepo upstream = TestRepo.init(tmp.resolve("upstream"))) {
            upstream.write("fleet.yaml", "main\n").commit("one");
            upstream.git.checkout().setCreateBranch(true).setName("trunk").call();
            upstream.write("fleet.yaml", "trunk\n").commit("two");
            try (GitSource source = GitSource.open(upstream.dir.toUri().toString(), options())) {
                assertThat(source.pushedRef(null)).as("the remote's default branch").contains("refs/heads/trunk");
                assertThat(source.pushedRef("origin/main")).contains("refs/heads/main");
            }
        }
    }

    @Test
    void anUnknownRefSaysSoAndSuggestsCloseNames() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "x").commit("one");
            repo.git.branchCreate().setName("staging").call();
            repo.git.tag().setName("v1.2.0").call();
            try (GitSource source = GitSource.open(repo.dir.toString(), options())) {
                assertThatThrownBy(() -> source.at("mian")).isInstanceOfSatisfying(UnknownRefException.class, e -> {
                    assertThat(e.ref()).isEqualTo("mian");
                    assertThat(e.closeMatches()).containsExactly("main");
                    assertThat(e).hasMessage("unknown ref 'mian' in " + repo.dir
                            + ": no branch, tag or commit of that name; did you mean main?");
                });
                assertThatThrownBy(() -> source.at("v1.2.1")).isInstanceOfSatisfying(UnknownRefException.class,
                        e -> assertThat(e.closeMatches()).containsExactly("v1.2.0"));
                assertThatThrownBy(() -> source.at("production")).isInstanceOfSatisfying(UnknownRefException.class,
                        e -> assertThat(e.closeMatches()).isEmpty());
                assertThatThrownBy(() -> source.at("0123456789012345678901234567890123456789"))
                        .isInstanceOf(UnknownRefException.class).hasMessageContaining("no such commit");
                assertThatThrownBy(() -> source.at("main:fleet.yaml")).isInstanceOf(SourceException.class)
                        .hasMessageContaining("names a blob, not a commit");
            }
        }
    }

    @Test
    void notARepositoryIsAClearError() throws Exception {
        Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> GitSource.open(tmp.resolve("plain").toString(), options()))
                .isInstanceOf(SourceException.class).hasMessageContaining("is not a Git repository");
        assertThatThrownBy(() -> GitSource.open(tmp.resolve("absent").toString(), options()))
                .isInstanceOf(SourceException.class).hasMessageStartingWith("no such folder: ");
        try (TestRepo repo = TestRepo.init(tmp.resolve("empty")); GitSource source = GitSource.open(repo.dir.toString(), options())) {
            assertThatThrownBy(source::head).isInstanceOf(SourceException.class).hasMessageContaining("has no commits yet");
        }
    }

    @Test
    void changedPathsListsWhatDiffersBetweenTwoSnapshots() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "x").write("groups/a.yaml", "a").write("groups/b.yaml", "b")
                    .write("images/x.yaml", "x").commit("one");
            repo.write("groups/a.yaml", "a2").delete("groups/b.yaml").write("groups/c.yaml", "c")
                    .write("images/x.yaml", "x2").commit("two");
            try (GitSource source = GitSource.open(repo.dir.toString(), options())) {
                GitTree base = source.at("HEAD~1");
                GitTree head = source.at("HEAD");
                assertThat(source.changedPaths(base, head))
                        .containsExactly("groups/a.yaml", "groups/b.yaml", "groups/c.yaml", "images/x.yaml");
                assertThat(source.changedPaths(base, head, "groups"))
                        .containsExactly("groups/a.yaml", "groups/b.yaml", "groups/c.yaml");
                assertThat(source.changedPaths(head, head)).isEmpty();
            }
        }
    }

    @Test
    void commitTimeIsTheCommittersTime() throws Exception {
        try (TestRepo repo = TestRepo.init(tmp.resolve("r"))) {
            repo.write("fleet.yaml", "x").commit("one");
            repo.write("fleet.yaml", "y").commit("two");
            try (GitSource source = GitSource.open(repo.dir.toString(), options())) {
                assertThat(source.commitTime(source.at("HEAD~1"))).isEqualTo(TestRepo.T0);
                assertThat(source.commitTime(source.head())).isEqualTo(TestRepo.T0.plusSeconds(60));
            }
        }
    }

    @Test
    void aRemoteIsClonedIntoTheCacheOnceAndFetchedOnEachOpen() throws Exception {
        try (TestRepo upstream = TestRepo.init(tmp.resolve("upstream"))) {
            RevCommit one = upstream.write("fleet.yaml", "v1\n").commit("one");
            upstream.git.tag().setName("v1").setAnnotated(true).setMessage("v1").call();
            String url = upstream.dir.toUri().toString(); // file:///...
            assertThat(url).startsWith("file:/");

            Path cacheFolder;
            try (GitSource source = GitSource.open(url, options())) {
                assertThat(source.isRemote()).isTrue();
                assertThat(source.workTree()).isEmpty();
                assertThat(source.head().commitId()).isEqualTo(one.name());
                assertThat(source.at("main").commitId()).isEqualTo(one.name());
                assertThat(source.at("v1").commitId()).isEqualTo(one.name());
                assertThat(source.at("origin/main").commitId()).isEqualTo(one.name());
                assertThat(source.head().describe()).isEqualTo(url + "@" + one.name().substring(0, 12));
                cacheFolder = RemoteCache.folderFor(tmp.resolve("cache"), (RepoAddress.Remote) RepoAddress.parse(url, tmp));
                assertThat(cacheFolder.resolve("HEAD")).exists();
                assertThat(cacheFolder.getFileName().toString()).matches("[0-9a-f]{64}");
                assertThatThrownBy(source::worktree).isInstanceOf(SourceException.class).hasMessageContaining("a remote");
            }

            RevCommit two = upstream.write("fleet.yaml", "v2\n").commit("two");
            upstream.git.branchCreate().setName("next").call();

            // Offline: the cached copy as it was.
            try (GitSource offline = GitSource.open(url, options().withFetch(false))) {
                assertThat(offline.head().commitId()).isEqualTo(one.name());
                assertThatThrownBy(() -> offline.at("next")).isInstanceOf(UnknownRefException.class)
                        .hasMessageContaining("fetching is off");
            }
            // The next run fetches and sees the new commit and branch.
            try (GitSource source = GitSource.open(url, options())) {
                assertThat(source.head().commitId()).isEqualTo(two.name());
                assertThat(text(source.head(), "fleet.yaml")).isEqualTo("v2\n");
                assertThat(source.at("next").commitId()).isEqualTo(two.name());
                assertThat(source.at("v1").commitId()).isEqualTo(one.name());

                // A long-running process fetches again without reopening; deleted branches are pruned.
                RevCommit three = upstream.write("fleet.yaml", "v3\n").commit("three");
                upstream.git.branchDelete().setBranchNames("next").setForce(true).call();
                source.fetch();
                assertThat(source.head().commitId()).isEqualTo(three.name());
                assertThatThrownBy(() -> source.at("next")).isInstanceOf(UnknownRefException.class);
            }
        }
    }

    @Test
    void theCacheFollowsTheRemotesDefaultBranch() throws Exception {
        try (TestRepo upstream = TestRepo.init(tmp.resolve("upstream"))) {
            upstream.write("fleet.yaml", "main\n").commit("one");
            upstream.git.checkout().setCreateBranch(true).setName("trunk").call();
            RevCommit trunk = upstream.write("fleet.yaml", "trunk\n").commit("two");
            try (GitSource source = GitSource.open(upstream.dir.toUri().toString(), options())) {
                assertThat(source.head().commitId()).isEqualTo(trunk.name());
            }
        }
    }

    @Test
    void offlineWithoutACachedCopyIsAClearError() {
        String url = tmp.resolve("nowhere").toUri().toString();
        assertThatThrownBy(() -> GitSource.open(url, options().withFetch(false)))
                .isInstanceOf(SourceException.class).hasMessageContaining("no cached copy of " + url);
    }

    @Test
    void aFailedCloneLeavesNothingInTheCache() throws Exception {
        String url = tmp.resolve("nowhere").toUri().toString();
        assertThatThrownBy(() -> GitSource.open(url, options()))
                .isInstanceOf(SourceException.class).hasMessageStartingWith("cannot clone " + url + ": ");
        try (var entries = Files.list(tmp.resolve("cache"))) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theCacheFolderDefaultsToXdgCacheHomeThenHome() {
        GitSource.Options o = GitSource.Options.defaults().withHome(Path.of("/home/u"));
        assertThat(o.withEnv(Map.of("XDG_CACHE_HOME", "/var/cache/x")).resolvedCacheDir())
                .isEqualTo(Path.of("/var/cache/x/strata/repos"));
        assertThat(o.withEnv(Map.of()).resolvedCacheDir()).isEqualTo(Path.of("/home/u/.cache/strata/repos"));
        assertThat(o.withEnv(Map.of("XDG_CACHE_HOME", "relative")).resolvedCacheDir())
                .isEqualTo(Path.of("/home/u/.cache/strata/repos"));
    }

    @Test
    void theCacheFolderIsNamedByTheUrlWithoutCredentials() throws Exception {
        Path cache = Path.of("/c");
        Path plain = RemoteCache.folderFor(cache, (RepoAddress.Remote) RepoAddress.parse("https://git.example/org/fleet.git", tmp));
        Path withToken = RemoteCache.folderFor(cache,
                (RepoAddress.Remote) RepoAddress.parse("https://x-access-token:ghp_secret@git.example/org/fleet.git", tmp));
        assertThat(withToken).isEqualTo(plain);
        assertThat(plain.toString()).doesNotContain("secret");
    }
}
