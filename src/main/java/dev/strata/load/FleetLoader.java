package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostic;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.source.SpecTree;
import dev.strata.spec.Fleet;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Loads a fleet: every *.yaml / *.yml below the fleet folder (hidden files and folders skipped),
 * every document in each. Documents that are not Strata's (neither a strata.dev apiVersion nor a Strata
 * kind with no or a strata-like apiVersion) are counted and ignored, so a fleet can live at the root of
 * a repository with other YAML.
 */
public final class FleetLoader {
    private final LoadLimits limits;
    private final ShapeCheck shape;
    private final Optional<FileCache> cache;

    public FleetLoader(LoadLimits limits, ShapeCheck shape) {
        this(limits, shape, Optional.empty());
    }

    /** With a cache, a file whose bytes did not change since the last load is not parsed again. */
    public FleetLoader(LoadLimits limits, ShapeCheck shape, Optional<FileCache> cache) {
        this.limits = limits;
        this.shape = shape;
        this.cache = cache;
    }

    /**
     * What each spec file yielded at its last load, by path, kept while its bytes stay the same: a
     * long-running reconciler, or a preview reading two revisions, parses only the files that changed.
     * Files of a Git commit are known by their blob id without reading them; others by their bytes.
     * The semantic checks across files always run again. Safe to share between threads.
     */
    public static final class FileCache {
        private final ConcurrentHashMap<String, FileLoad> byPath = new ConcurrentHashMap<>();

        Optional<FileLoad> get(String file, String resolved, byte[] bytes) {
            FileLoad f = byPath.get(file);
            return f != null && f.resolved.equals(resolved) && f.bytes != null && java.util.Arrays.equals(f.bytes, bytes)
                    ? Optional.of(f) : Optional.empty();
        }

        Optional<FileLoad> get(String file, String resolved, String contentId) {
            FileLoad f = byPath.get(file);
            return f != null && f.resolved.equals(resolved) && contentId.equals(f.contentId) ? Optional.of(f) : Optional.empty();
        }

        /** Keeps exactly the files of the last load, so files deleted from the fleet are forgotten. */
        void keep(List<String> files, List<FileLoad> parts) {
            byPath.keySet().retainAll(new HashSet<>(files));
            for (int i = 0; i < files.size(); i++) {
                FileLoad part = parts.get(i);
                if (part.bytes != null || part.contentId != null) byPath.put(files.get(i), part);
            }
        }

        /** How many files are cached (for tests). */
        int size() {
            return byPath.size();
        }
    }

    /**
     * Files are read, parsed, shape-checked and bound in parallel (each file on its own), then merged
     * in file order: the result and its diagnostics are the same as reading them one by one. The shape
     * check is therefore called from several threads at once.
     *
     * @param folder the fleet folder, relative to the tree's root ("" for the root)
     * @throws IOException when the tree itself cannot be read (not for problems in the specs)
     */
    public LoadResult load(SpecTree tree, String folder) throws IOException {
        List<String> files = tree.listSpecFiles(folder);
        Queue<FileLoad> waiting = new ConcurrentLinkedQueue<>();
        List<FileLoad> parts = InOrder.map(files, file -> loadFile(tree, file, waiting));
        // Files read before the shape check was ready, and not taken up by a reading thread since, are checked now.
        List<FileLoad> left = new ArrayList<>();
        for (FileLoad p; (p = waiting.poll()) != null; ) left.add(p);
        InOrder.map(left, this::checkAndBind);
        cache.ifPresent(c -> c.keep(files, parts));

        Diagnostics diags = new Diagnostics();
        List<Fleet> fleets = new ArrayList<>();
        List<Stream> streams = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        List<MachineGroup> groups = new ArrayList<>();
        Map<Kind, Set<String>> declared = new EnumMap<>(Kind.class);
        Map<Origin, YamlDocument> documents = new HashMap<>();
        List<YamlDocument> fleetDocs = new ArrayList<>();
        int docCount = 0;
        int ignored = 0;
        for (FileLoad part : parts) {
            diags.addAll(part.diags.sorted());
            fleets.addAll(part.fleets);
            streams.addAll(part.streams);
            images.addAll(part.images);
            groups.addAll(part.groups);
            part.declared.forEach((kind, names) -> declared.computeIfAbsent(kind, k -> new HashSet<>()).addAll(names));
            documents.putAll(part.documents);
            fleetDocs.addAll(part.fleetDocs);
            docCount += part.docCount;
            ignored += part.ignored;
        }
        if (fleetDocs.isEmpty()) {
            diags.add(Check.FLEET_MISSING, Location.of(folder.isEmpty() ? "." : folder), "",
                    "no Fleet document in " + (folder.isEmpty() ? "the repository root" : folder)
                            + " (" + files.size() + (files.size() == 1 ? " YAML file read)" : " YAML files read)"));
        }
        for (YamlDocument extra : fleetDocs.subList(Math.min(1, fleetDocs.size()), fleetDocs.size())) {
            YamlDocument first = fleetDocs.get(0);
            diags.add(Check.FLEET_DUPLICATE, extra.start(), "",
                    "a second Fleet document; the first is at " + first.start());
        }
        return new LoadResult(folder, fleets, streams, images, groups, declared, documents, diags.sorted(),
                new LoadResult.Stats(files.size(), docCount, ignored));
    }

    /**
     * What one spec file yields. Filled by one thread; merged into the result in file order, and only
     * read once bound, so a cached one can be merged into any number of results.
     */
    private static final class FileLoad {
        /**
         * The bytes it was read from, or their id in the tree (then the bytes are not kept), and the
         * path they came from (a symlink's target): the cache key.
         */
        byte[] bytes;
        String contentId;
        String resolved = "";
        final Diagnostics diags = new Diagnostics();
        final List<Fleet> fleets = new ArrayList<>();
        final List<Stream> streams = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        final List<MachineGroup> groups = new ArrayList<>();
        final Map<Kind, Set<String>> declared = new EnumMap<>(Kind.class);
        final Map<Origin, YamlDocument> documents = new HashMap<>();
        final List<YamlDocument> fleetDocs = new ArrayList<>();
        /** Documents of Strata's kinds, in file order, until they are shape-checked and bound. */
        final List<Unchecked> unchecked = new ArrayList<>();
        int docCount;
        int ignored;
    }

    private record Unchecked(YamlDocument doc, Kind kind) {
    }

    /**
     * Reads, checks and binds one file. While the shape check is not ready (its schemas compile on
     * another thread), the file waits in {@code waiting} with its documents' JSON; the first thread to
     * find the check ready takes up all that wait, so that JSON is not kept through the whole load.
     */
    private FileLoad loadFile(SpecTree tree, String file, Queue<FileLoad> waiting) throws IOException {
        FileLoad part = new FileLoad();
        Diagnostics diags = part.diags;
        Optional<SpecTree.Resolved.File> resolved = resolveSpecFile(tree, file, diags);
        if (resolved.isEmpty()) return part;
        // A tree that names its files' contents (a Git commit: blob ids) is asked first, and a file it
        // names the same as last time is not even read.
        Optional<String> id = cache.isPresent() ? tree.contentId(file) : Optional.empty();
        if (id.isPresent()) {
            Optional<FileLoad> known = cache.get().get(file, resolved.get().path(), id.get());
            if (known.isPresent()) return known.get();
        }
        Optional<byte[]> bytes = readSpecFile(tree, file, resolved.get(), diags);
        if (bytes.isEmpty()) return part;
        if (cache.isPresent()) {
            if (id.isEmpty()) {
                Optional<FileLoad> known = cache.get().get(file, resolved.get().path(), bytes.get());
                if (known.isPresent()) return known.get();
            }
            part.contentId = id.orElse(null);
            part.bytes = id.isPresent() ? null : bytes.get(); // an id stands for the bytes
            part.resolved = resolved.get().path();
        }
        for (YamlDocument doc : new YamlReader(limits).read(file, bytes.get(), diags)) {
            part.docCount++;
            JsonNode json = doc.json();
            String apiVersion = json.path("apiVersion").isTextual() ? json.get("apiVersion").asText() : null;
            String kindName = json.path("kind").isTextual() ? json.get("kind").asText() : null;
            Optional<Kind> kind = Optional.ofNullable(kindName).flatMap(Kind::of);
            // A Strata kind with a misspelt strata apiVersion is ours (and reported), not silently ignored.
            boolean ours = json.isObject() && (apiVersion != null && apiVersion.startsWith(Kind.API_GROUP)
                    || kind.isPresent() && (apiVersion == null || apiVersion.toLowerCase(java.util.Locale.ROOT).contains("strata")));
            if (!ours) {
                part.ignored++;
                continue;
            }
            // Kept only to locate later diagnostics: without the JSON, which is most of a large fleet's memory.
            part.documents.put(new Origin(file, doc.index()), doc.withoutJson());
            if (kind.isEmpty()) {
                diags.add(Check.KIND_UNKNOWN, doc.valueAt(PropertyPath.of("kind")), "kind",
                        kindName == null ? "document has no kind" : "unknown kind '" + kindName + "'");
                continue;
            }
            String name = json.path("metadata").path("name").asText("");
            if (!name.isEmpty()) part.declared.computeIfAbsent(kind.get(), k -> new HashSet<>()).add(name);
            if (kind.get() == Kind.FLEET) part.fleetDocs.add(doc);
            part.unchecked.add(new Unchecked(doc, kind.get()));
        }
        if (!shape.ready()) {
            waiting.add(part);
            return part;
        }
        for (FileLoad w; (w = waiting.poll()) != null; ) checkAndBind(w);
        return checkAndBind(part);
    }

    private FileLoad checkAndBind(FileLoad part) {
        for (Unchecked u : part.unchecked) {
            List<Diagnostic> problems = shape.check(u.doc(), u.kind());
            part.diags.addAll(problems);
            if (problems.stream().anyMatch(Diagnostic::isError)) continue;
            Binder binder = new Binder(u.doc(), part.diags);
            switch (u.kind()) {
                case FLEET -> binder.fleet().ifPresent(part.fleets::add);
                case STREAM -> binder.stream().ifPresent(part.streams::add);
                case IMAGE -> binder.image().ifPresent(part.images::add);
                case MACHINE_GROUP -> binder.group().ifPresent(part.groups::add);
            }
        }
        part.unchecked.clear();
        return part;
    }

    private static Optional<SpecTree.Resolved.File> resolveSpecFile(SpecTree tree, String file, Diagnostics diags) throws IOException {
        SpecTree.Resolved r = tree.resolve(file);
        if (r instanceof SpecTree.Resolved.Escapes e) {
            diags.add(Check.FILE_SOURCE_ESCAPES, Location.of(file), "", "spec file " + e.reason());
            return Optional.empty();
        }
        // Nothing for a dangling link or a folder named *.yaml.
        return r instanceof SpecTree.Resolved.File f ? Optional.of(f) : Optional.empty();
    }

    private Optional<byte[]> readSpecFile(SpecTree tree, String file, SpecTree.Resolved.File f, Diagnostics diags) throws IOException {
        try {
            return Optional.of(tree.read(f.path(), limits.maxFileBytes()));
        } catch (SpecTree.TooLargeException e) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "file is larger than " + limits.maxFileBytes() + " bytes, the limit for one spec file");
            return Optional.empty();
        }
    }
}
