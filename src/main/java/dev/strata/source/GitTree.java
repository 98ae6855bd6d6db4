package dev.strata.source;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One commit of a Git repository, read straight from its objects: no checkout, and a dirty work tree
 * is never seen. Each tree object is parsed at most once per snapshot, so listing a fleet and then
 * resolving and reading every file in it costs one pass over the trees involved plus one read per blob.
 * Instances come from {@link GitSource#at(String)}.
 */
public final class GitTree implements SpecTree {
    /** As Linux's limit on symlinks followed in one lookup (ELOOP). */
    static final int MAX_SYMLINK_HOPS = 40;
    static final int SHORT_ID_LENGTH = 12;

    private final Repository repo;
    private final ObjectId commit;
    private final ObjectId rootTree;
    private final Instant commitTime;
    private final String repoDisplay;
    private final Map<ObjectId, Map<String, Entry>> trees = new ConcurrentHashMap<>();
    private final Map<String, List<String>> listings = new ConcurrentHashMap<>();

    GitTree(Repository repo, ObjectId commit, ObjectId rootTree, Instant commitTime, String repoDisplay) {
        this.repo = repo;
        this.commit = commit.copy();
        this.rootTree = rootTree.copy();
        this.commitTime = commitTime;
        this.repoDisplay = repoDisplay;
    }

    /** The full commit id, 40 hex digits. */
    public String commitId() {
        return commit.name();
    }

    public String shortId() {
        return commit.name().substring(0, SHORT_ID_LENGTH);
    }

    @Override
    public String describe() {
        return repoDisplay + "@" + shortId();
    }

    @Override
    public Optional<String> revision() {
        return Optional.of(commit.name());
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public List<String> listSpecFiles(String folder) throws IOException {
        String start = RepoPaths.join("", folder).orElseThrow(() -> new NoSuchFileException(folder, null,
                "outside the repository"));
        List<String> cached = listings.get(start);
        if (cached != null) return cached;
        List<String> out = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            Found found = walk(reader, folder, start, true);
            if (found.resolved() instanceof Resolved.Folder) {
                collect(reader, found.id(), start, out);
            } else if (found.resolved() instanceof Resolved.Missing || found.resolved() instanceof Resolved.Escapes) {
                throw new NoSuchFileException(describe() + ":" + folder);
            }
        }
        out.sort(null);
        List<String> result = List.copyOf(out);
        listings.put(start, result);
        return result;
    }

    private void collect(ObjectReader reader, ObjectId tree, String prefix, List<String> out) throws IOException {
        for (Entry e : entries(reader, tree).values()) {
            String path = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
            if (e.isTree()) {
                if (!RepoPaths.isHidden(e.name())) collect(reader, e.id(), path, out);
            } else if ((e.isFile() || e.isSymlink()) && RepoPaths.isSpecFile(e.name())) {
                out.add(path);
            }
        }
    }

    @Override
    public List<Node> walk(String folder) throws IOException {
        String start = RepoPaths.join("", folder).orElseThrow(() -> new NoSuchFileException(folder, null,
                "outside the repository"));
        List<Node> out = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader()) {
            Found found = walk(reader, folder, start, false);
            if (!(found.resolved() instanceof Resolved.Folder)) throw new NoSuchFileException(describe() + ":" + folder);
            walkTree(reader, found.id(), start, out);
        }
        out.sort(java.util.Comparator.comparing(Node::path));
        return out;
    }

    private void walkTree(ObjectReader reader, ObjectId tree, String prefix, List<Node> out) throws IOException {
        for (Entry e : entries(reader, tree).values()) {
            String path = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
            if (e.isTree()) {
                walkTree(reader, e.id(), path, out);
            } else if (e.isSymlink()) {
                out.add(new Node(path, Node.Type.SYMLINK, false,
                        new String(reader.open(e.id(), Constants.OBJ_BLOB).getCachedBytes(), StandardCharsets.UTF_8)));
            } else if (e.isFile()) {
                out.add(new Node(path, Node.Type.FILE, e.mode() == FileMode.EXECUTABLE_FILE.getBits(), ""));
            } else {
                out.add(new Node(path, Node.Type.OTHER, false, ""));
            }
        }
    }

    @Override
    public Resolved resolve(String path) throws IOException {
        Optional<String> normal = RepoPaths.join("", path);
        if (normal.isEmpty()) return new Resolved.Escapes(path + " is outside the repository");
        try (ObjectReader reader = repo.newObjectReader()) {
            return walk(reader, path, normal.get(), true).resolved();
        }
    }

    @Override
    public byte[] read(String path, long limit) throws IOException {
        try (ObjectReader reader = repo.newObjectReader()) {
            Optional<String> normal = RepoPaths.join("", path);
            Found found = normal.isEmpty() ? null : walk(reader, path, normal.get(), false);
            if (found == null || !(found.resolved() instanceof Resolved.File)) {
                throw new NoSuchFileException(describe() + ":" + path, null, "not a file in this commit");
            }
            ObjectLoader loader = reader.open(found.id(), Constants.OBJ_BLOB);
            if (loader.getSize() > limit) throw new TooLargeException(path, limit);
            if (!loader.isLarge()) return loader.getCachedBytes().clone();
            try (InputStream in = loader.openStream()) {
                return in.readNBytes((int) loader.getSize());
            }
        }
    }

    /** The blob id of the file at {@code path} (after symlinks), without reading the blob. */
    @Override
    public Optional<String> contentId(String path) throws IOException {
        Optional<String> normal = RepoPaths.join("", path);
        if (normal.isEmpty()) return Optional.empty();
        try (ObjectReader reader = repo.newObjectReader()) {
            Found found = walk(reader, path, normal.get(), false);
            return found.resolved() instanceof Resolved.File ? Optional.of(found.id().name()) : Optional.empty();
        }
    }

    Instant commitTime() {
        return commitTime;
    }

    ObjectId rootTree() {
        return rootTree;
    }

    Repository repository() {
        return repo;
    }

    /** What a path leads to, and the object there (a blob for files, a tree for folders). */
    private record Found(Resolved resolved, ObjectId id) {
        static Found of(Resolved resolved) {
            return new Found(resolved, null);
        }
    }

    /**
     * Follows {@code normal} one name at a time from the root, restarting at the root after each symlink.
     * Without {@code sized}, a file's size is not looked up (it opens the object) and shows as -1.
     */
    private Found walk(ObjectReader reader, String original, String normal, boolean sized) throws IOException {
        Deque<String> pending = new ArrayDeque<>(split(normal));
        List<String> done = new ArrayList<>();
        ObjectId tree = rootTree;
        int hops = 0;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            Entry e = entries(reader, tree).get(name);
            String here = done.isEmpty() ? name : String.join("/", done) + "/" + name;
            if (e == null) return Found.of(new Resolved.Missing());
            if (e.isTree()) {
                done.add(name);
                tree = e.id();
            } else if (e.isSymlink()) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    return Found.of(new Resolved.Missing(original + ": too many levels of symlinks"));
                }
                String target = new String(reader.open(e.id(), Constants.OBJ_BLOB).getCachedBytes(),
                        StandardCharsets.UTF_8);
                Optional<String> next = RepoPaths.join(String.join("/", done), target);
                if (next.isEmpty()) {
                    String via = here.equals(original) ? "" : " (through " + here + ")";
                    return Found.of(new Resolved.Escapes(original + " is a symlink to " + target + via
                            + ", outside the repository"));
                }
                List<String> rest = new ArrayList<>(split(next.get()));
                rest.addAll(pending);
                pending = new ArrayDeque<>(rest);
                done.clear();
                tree = rootTree;
            } else if (e.isGitlink()) {
                return Found.of(new Resolved.Missing(here + " is a Git submodule (commit "
                        + e.id().abbreviate(SHORT_ID_LENGTH).name() + "); submodules are not read"));
            } else if (!pending.isEmpty()) {
                return Found.of(new Resolved.Missing(here + " is a file, not a folder"));
            } else {
                long size = sized ? reader.getObjectSize(e.id(), Constants.OBJ_BLOB) : -1;
                return new Found(new Resolved.File(here, size, e.mode() == FileMode.EXECUTABLE_FILE.getBits()), e.id());
            }
        }
        return new Found(new Resolved.Folder(String.join("/", done)), tree);
    }

    /** The entries of one tree object, parsed once per snapshot. */
    private Map<String, Entry> entries(ObjectReader reader, ObjectId tree) throws IOException {
        Map<String, Entry> cached = trees.get(tree);
        if (cached != null) return cached;
        Map<String, Entry> parsed = new HashMap<>();
        CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
        for (; !p.eof(); p.next(1)) {
            String name = p.getEntryPathString();
            parsed.put(name, new Entry(name, p.getEntryRawMode(), p.getEntryObjectId()));
        }
        Map<String, Entry> frozen = Map.copyOf(parsed);
        trees.put(tree.copy(), frozen);
        return frozen;
    }

    private static List<String> split(String path) {
        return path.isEmpty() ? List.of() : Arrays.asList(path.split("/"));
    }

    private record Entry(String name, int mode, ObjectId id) {
        boolean isTree() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_TREE;
        }

        boolean isSymlink() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_SYMLINK;
        }

        boolean isGitlink() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_GITLINK;
        }

        boolean isFile() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_FILE;
        }
    }
}
