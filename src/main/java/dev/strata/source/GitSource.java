package dev.strata.source;

import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.eclipse.jgit.util.FS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository named by {@code --repo}: a local work tree or bare repository, read in place, or a
 * remote (file://, https://, ssh://, git@host:path) cloned once into the cache and fetched on each
 * open. Specs are read at a commit ({@link #at(String)}), straight from Git objects; the work tree is
 * used only when asked for ({@link #worktree()}).
 */
public final class GitSource implements AutoCloseable {
    /** A remote-tracking branch: a push to the remote's branch of that name moves it. */
    private static final Pattern TRACKING = Pattern.compile("refs/remotes/[^/]+/(.+)");
    static {
        // JGit otherwise spends seconds on a machine's first run measuring file timestamp resolution.
        FS.FileStoreAttributes.setBackground(true);
    }

    private final Repository repo;
    private final RepoAddress address;
    private final Options options;
    private final RemoteCache.Transport transport;
    /** Recent snapshots, reused with their parsed trees; bounded, so a long-running reconciler does not keep every commit it saw. */
    private final Map<ObjectId, GitTree> snapshots = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, GitTree> eldest) {
            return size() > 8;
        }
    });

    private GitSource(Repository repo, RepoAddress address, Options options, RemoteCache.Transport transport) {
        this.repo = repo;
        this.address = address;
        this.options = options;
        this.transport = transport;
    }

    /**
     * How to reach and where to keep remotes.
     *
     * @param cacheDir where remotes are cloned; empty for $XDG_CACHE_HOME/strata/repos, else ~/.cache/strata/repos
     * @param fetch    false to use the cached copy as it is (offline)
     * @param timeout  for each network operation
     * @param env      the environment credentials are looked up in (tokens, SSH_AUTH_SOCK, PATH for git)
     * @param home     where ~/.ssh and ~/.netrc are
     */
    public record Options(Optional<Path> cacheDir, boolean fetch, Duration timeout, Map<String, String> env, Path home) {
        public Options {
            env = Map.copyOf(env);
            home = home.toAbsolutePath();
        }

        public static Options defaults() {
            return new Options(Optional.empty(), true, Duration.ofMinutes(2), System.getenv(),
                    Path.of(System.getProperty("user.home")));
        }

        public Options withCacheDir(Path dir) {
            return new Options(Optional.of(dir), fetch, timeout, env, home);
        }

        public Options withFetch(boolean fetch) {
            return new Options(cacheDir, fetch, timeout, env, home);
        }

        public Options withTimeout(Duration timeout) {
            return new Options(cacheDir, fetch, timeout, env, home);
        }

        public Options withEnv(Map<String, String> env) {
            return new Options(cacheDir, fetch, timeout, env, home);
        }

        public Options withHome(Path home) {
            return new Options(cacheDir, fetch, timeout, env, home);
        }

        /** The folder remotes are cloned into. */
        public Path resolvedCacheDir() {
            return cacheDir.orElseGet(() -> {
                String xdg = env.get("XDG_CACHE_HOME");
                Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
                return base.resolve("strata").resolve("repos");
            });
        }
    }

    public static GitSource open(String repo) throws SourceException {
        return open(repo, Options.defaults());
    }

    /** Opens a local repository, or clones or fetches a remote one. */
    public static GitSource open(String repo, Options options) throws SourceException {
        return open(repo, options, true);
    }

    /**
     * Opens a remote's cached clone as it is (cloning it when there is none), for a caller that calls
     * {@link #fetch()} itself, later, under its own lock: a reconciler fetches under the run lock, so it
     * never fetches into the cache while another strata run does.
     */
    public static GitSource openWithoutFetching(String repo, Options options) throws SourceException {
        return open(repo, options, false);
    }

    private static GitSource open(String repo, Options options, boolean fetchExisting) throws SourceException {
        RepoAddress address = RepoAddress.parse(repo, Path.of(""));
        if (address instanceof RepoAddress.Local local) {
            return new GitSource(openLocal(local.path()), address, options, null);
        }
        RepoAddress.Remote remote = (RepoAddress.Remote) address;
        SshdSessionFactory ssh = remote.scheme().contains("ssh") ? SshSupport.sessionFactory(options.home(), options.env()) : null;
        RemoteCache.Transport transport = new RemoteCache.Transport(
                GitCredentials.forRemote(remote, options.env(), options.home()), ssh, options.timeout(),
                GitCredentials.secrets(remote, options.env()));
        try {
            Repository cached = RemoteCache.open(remote, options.resolvedCacheDir(), options.fetch(), fetchExisting, transport);
            return new GitSource(cached, address, options, transport);
        } catch (SourceException e) {
            if (ssh != null) ssh.close();
            throw e;
        }
    }

    private static Repository openLocal(Path path) throws SourceException {
        if (!Files.isDirectory(path)) throw new SourceException("no such folder: " + path);
        FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
        if (Files.exists(path.resolve(".git"))) {
            builder.setWorkTree(path.toFile());
        } else if (RepositoryCache.FileKey.isGitRepository(path.toFile(), FS.DETECTED)) {
            builder.setGitDir(path.toFile());
        } else {
            throw new SourceException(path + " is not a Git repository: it has no .git and is not a bare repository"
                    + " (give the repository's top folder)");
        }
        try {
            return builder.build();
        } catch (IOException e) {
            throw new SourceException("cannot open the Git repository at " + path + ": " + e.getMessage(), e);
        }
    }

    /** The repository as shown to people: the local path, or the URL without credentials. */
    public String display() {
        return address.display();
    }

    public boolean isRemote() {
        return address instanceof RepoAddress.Remote;
    }

    /** Fetches a remote again (a long-running reconciler calls this each cycle); nothing for a local repository. */
    public void fetch() throws SourceException {
        if (address instanceof RepoAddress.Remote remote && options.fetch()) RemoteCache.fetch(repo, remote, transport);
    }

    /**
     * The snapshot at {@code ref}: a branch, tag (peeled to its commit), remote branch (origin/main, for a
     * remote as for a local clone), full or abbreviated commit id, or git revision syntax; null or blank
     * means HEAD (for a remote, its default branch).
     *
     * @throws UnknownRefException when nothing by that name exists, with close matches
     * @throws SourceException     when the name is ambiguous or does not lead to a commit
     */
    public GitTree at(String ref) throws IOException {
        String wanted = ref == null || ref.isBlank() ? "HEAD" : ref.strip();
        if (isRemote() && wanted.startsWith("origin/") && repo.exactRef("refs/heads/" + wanted.substring(7)) != null) {
            wanted = "refs/heads/" + wanted.substring(7); // the cache keeps the remote's branches as its own
        }
        String hint = isRemote() && !options.fetch() ? "fetching is off, so the cached copy may be behind the remote" : "";
        RevCommit commit = Refs.commitOf(repo, wanted, display(), hint);
        return snapshots.computeIfAbsent(commit.getId().copy(), id -> new GitTree(repo, id, commit.getTree().getId(),
                Instant.ofEpochSecond(commit.getCommitTime()), display()));
    }

    /**
     * The ref a push to the repository moves when it moves {@code ref} (null or blank: HEAD): HEAD is
     * followed to its branch, {@code main} becomes {@code refs/heads/main}, a remote-tracking
     * {@code origin/main} the remote's {@code refs/heads/main}; a name that does not exist yet is taken as
     * a branch. Empty for a commit id or a revision expression, which no push moves.
     */
    public Optional<String> pushedRef(String ref) throws IOException {
        String wanted = ref == null || ref.isBlank() ? "HEAD" : ref.strip();
        Ref found = repo.getRefDatabase().findRef(wanted);
        if (found == null && isRemote() && wanted.startsWith("origin/")) found = repo.exactRef("refs/heads/" + wanted.substring(7));
        if (found != null) {
            String name = found.getTarget().getName(); // a symbolic ref such as HEAD names its branch
            Matcher tracking = TRACKING.matcher(name);
            return Optional.of(tracking.matches() ? "refs/heads/" + tracking.group(1) : name);
        }
        if (ObjectId.isId(wanted) || !Repository.isValidRefName(wanted.startsWith("refs/") ? wanted : "refs/heads/" + wanted)) {
            return Optional.empty();
        }
        try {
            if (repo.resolve(wanted) != null) return Optional.empty(); // an abbreviated id or an expression such as main~1
        } catch (RevisionSyntaxException | AmbiguousObjectException e) {
            return Optional.empty();
        }
        return Optional.of(wanted.startsWith("refs/") ? wanted : "refs/heads/" + wanted);
    }

    public GitTree head() throws IOException {
        return at("HEAD");
    }

    /** The work tree of a local, non-bare repository. */
    public Optional<Path> workTree() {
        if (isRemote() || repo.isBare()) return Optional.empty();
        return Optional.of(repo.getWorkTree().toPath());
    }

    /** The work tree as it is on disk, uncommitted edits included: for {@code --worktree} editing loops. */
    public SpecTree worktree() throws IOException {
        Optional<Path> dir = workTree();
        if (dir.isEmpty()) {
            throw new SourceException("--worktree needs a local repository with a work tree; " + display() + " is "
                    + (isRemote() ? "a remote, read from its cached clone" : "a bare repository"));
        }
        return new FolderTree(dir.get());
    }

    /** Paths (files, symlinks, submodules) that differ between two snapshots, sorted; a rename lists both paths. */
    public List<String> changedPaths(GitTree base, GitTree head) throws IOException {
        return changedPaths(base, head, "");
    }

    /** As {@link #changedPaths(GitTree, GitTree)}, limited to paths below {@code folder} ("" for all). */
    public List<String> changedPaths(GitTree base, GitTree head, String folder) throws IOException {
        if (base.repository() != repo || head.repository() != repo) {
            throw new IllegalArgumentException("both snapshots must come from " + display());
        }
        if (base.rootTree().equals(head.rootTree())) return List.of();
        String prefix = RepoPaths.join("", folder).orElseThrow(
                () -> new IllegalArgumentException(folder + " is outside the repository"));
        TreeSet<String> paths = new TreeSet<>();
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
            walk.setRecursive(true);
            walk.addTree(base.rootTree());
            walk.addTree(head.rootTree());
            walk.setFilter(prefix.isEmpty() ? TreeFilter.ANY_DIFF
                    : AndTreeFilter.create(PathFilter.create(prefix), TreeFilter.ANY_DIFF));
            for (DiffEntry d : DiffEntry.scan(walk)) {
                if (d.getChangeType() != DiffEntry.ChangeType.ADD) paths.add(d.getOldPath());
                if (d.getChangeType() != DiffEntry.ChangeType.DELETE) paths.add(d.getNewPath());
            }
        }
        return List.copyOf(paths);
    }

    /** When the snapshot's commit was made (the committer's time): a reproducible timestamp for what is built from it. */
    public Instant commitTime(GitTree tree) {
        return tree.commitTime();
    }

    @Override
    public void close() {
        repo.close();
        if (transport != null && transport.ssh() != null) transport.ssh().close();
    }

    @Override
    public String toString() {
        return "GitSource[" + display() + "]";
    }
}
