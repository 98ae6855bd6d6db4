package dev.strata.reconcile;

import dev.strata.source.GitSource;
import dev.strata.source.GitTree;
import dev.strata.source.SpecTree;
import dev.strata.validate.Validator;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the desired state comes from: a Git repository (local or a cached remote) read at a ref
 * straight from its objects, or, for editing loops, its work tree. The fleet folder is relative to
 * the repository root ("" for the root).
 */
public final class FleetSource implements AutoCloseable {
    private final GitSource git;
    private final String folder;
    private final boolean worktree;
    // Reading a second revision (a preview's head, a reconciler's next commit) parses only the files that changed.
    private final Validator validator = Validator.reusingUnchangedFiles();

    public FleetSource(GitSource git, String folder, boolean worktree) {
        this.git = git;
        this.folder = folder;
        this.worktree = worktree;
    }

    public String display() {
        return git.display() + (folder.isEmpty() ? "" : " (fleet " + folder + ")");
    }

    public String folder() {
        return folder;
    }

    public GitSource git() {
        return git;
    }

    /** Whether specs are read from the work tree on disk (--worktree), which can change without a commit. */
    public boolean worktree() {
        return worktree;
    }

    /** The commit {@code ref} names now (HEAD when empty), without reading the specs. */
    public String commitId(Optional<String> ref) throws IOException {
        return git.at(ref.orElse("HEAD")).commitId();
    }

    /** The ref a push moves when it moves {@code ref} (refs/heads/main); empty for a commit, which no push moves. */
    public Optional<String> pushedRef(Optional<String> ref) throws IOException {
        return git.pushedRef(ref.orElse("HEAD"));
    }

    /** The fleet at {@code ref} (HEAD when empty); with --worktree, the files on disk instead. */
    public Revision read(Optional<String> ref) throws IOException {
        GitTree commit = git.at(ref.orElse("HEAD"));
        SpecTree tree = worktree ? git.worktree() : commit;
        if (!folder.isEmpty() && !(tree.resolve(folder) instanceof SpecTree.Resolved.Folder)) {
            throw new IOException("no fleet folder '" + folder + "' in " + tree.describe() + " (--fleet is relative to the repository root)");
        }
        String revision = worktree ? commit.commitId() + "+worktree" : commit.commitId();
        return new Revision(tree, folder, revision, git.commitTime(commit), validator.validate(tree, folder));
    }

    @Override
    public void close() {
        git.close();
    }
}
