package dev.strata.bench;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a large repository fast, straight from objects (no index, no work tree, one pack):
 * {@code files} spec files in folders of 100 under fleet/groups/, plus fleet/fleet.yaml, a README
 * and a hidden .github folder; then {@code commits - 1} commits that each change one spec file.
 */
public final class RepoGenerator {
    static final int FILES_PER_FOLDER = 100;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ObjectInserter inserter;
    private final List<TreeMap<String, ObjectId>> folders = new ArrayList<>();
    private final ObjectId[] folderTrees;
    private final ObjectId fleetYaml;
    private final ObjectId readme;
    private final ObjectId githubTree;

    private RepoGenerator(ObjectInserter inserter, int files) throws IOException {
        this.inserter = inserter;
        int folderCount = (files + FILES_PER_FOLDER - 1) / FILES_PER_FOLDER;
        folderTrees = new ObjectId[folderCount];
        for (int f = 0; f < folderCount; f++) folders.add(new TreeMap<>());
        for (int i = 0; i < files; i++) folders.get(i / FILES_PER_FOLDER).put(fileName(i), blob(content(i, 0)));
        for (int f = 0; f < folderCount; f++) folderTrees[f] = leafTree(f);
        fleetYaml = blob("apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata:\n  name: bench\n");
        readme = blob("# bench fleet\n");
        TreeFormatter workflows = new TreeFormatter();
        workflows.append("ci.yaml", FileMode.REGULAR_FILE, blob("on: push\n"));
        TreeFormatter github = new TreeFormatter();
        github.append("workflows", FileMode.TREE, inserter.insert(workflows));
        githubTree = inserter.insert(github);
    }

    /** Creates a bare repository at {@code dir} with the given history; returns the head commit. */
    public static ObjectId generate(Path dir, int commits, int files) throws Exception {
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Repository repo = git.getRepository();
            ObjectId head;
            try (ObjectInserter inserter = ((ObjectDirectory) repo.getObjectDatabase()).newPackInserter()) {
                RepoGenerator g = new RepoGenerator(inserter, files);
                head = g.commit(g.rootTree(), null, 0, "initial fleet of " + files + " files");
                for (int c = 1; c < commits; c++) {
                    int file = (int) ((c * 7919L) % files);
                    int folder = file / FILES_PER_FOLDER;
                    g.folders.get(folder).put(fileName(file), g.blob(content(file, c)));
                    g.folderTrees[folder] = g.leafTree(folder);
                    head = g.commit(g.rootTree(), head, c, "change " + fileName(file) + " (" + c + ")");
                }
                inserter.flush();
            }
            RefUpdate update = repo.updateRef("refs/heads/main");
            update.setNewObjectId(head);
            update.forceUpdate();
            return head;
        }
    }

    static String fileName(int i) {
        return String.format("m%05d.yaml", i);
    }

    static String content(int i, int revision) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m" + i + "\n  labels:\n    revision: \""
                + revision + "\"\ndata:\n  role: worker\n  rack: r" + (i % 40) + "\n  notes: generated for the Git source benchmark\n";
    }

    private ObjectId blob(String text) throws IOException {
        return inserter.insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectId leafTree(int folder) throws IOException {
        TreeFormatter t = new TreeFormatter();
        for (Map.Entry<String, ObjectId> e : folders.get(folder).entrySet()) t.append(e.getKey(), FileMode.REGULAR_FILE, e.getValue());
        return inserter.insert(t);
    }

    /** Git sorts a tree's entries by name, folders as if their name ended in '/': the names here never tie. */
    private ObjectId rootTree() throws IOException {
        TreeFormatter groups = new TreeFormatter();
        for (int f = 0; f < folderTrees.length; f++) groups.append(String.format("d%03d", f), FileMode.TREE, folderTrees[f]);
        TreeFormatter fleet = new TreeFormatter();
        fleet.append("fleet.yaml", FileMode.REGULAR_FILE, fleetYaml);
        fleet.append("groups", FileMode.TREE, inserter.insert(groups));
        TreeFormatter root = new TreeFormatter();
        root.append(".github", FileMode.TREE, githubTree);
        root.append("README.md", FileMode.REGULAR_FILE, readme);
        root.append("fleet", FileMode.TREE, inserter.insert(fleet));
        return inserter.insert(root);
    }

    private ObjectId commit(ObjectId tree, ObjectId parent, int n, String message) throws IOException {
        PersonIdent who = new PersonIdent("Bench", "bench@example.com", T0.plusSeconds(n), ZoneOffset.UTC);
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(tree);
        if (parent != null) c.setParentId(parent);
        c.setAuthor(who);
        c.setCommitter(who);
        c.setMessage(message + "\n");
        return inserter.insert(c);
    }
}
