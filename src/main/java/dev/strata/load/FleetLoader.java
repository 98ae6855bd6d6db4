package dev.strata.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.diag.Check;
import dev.strata.diag.Diagnostic;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
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
import java.util.Set;

/**
 * Loads a fleet: every *.yaml / *.yml below the fleet folder (hidden files and folders skipped),
 * every document in each. Documents that are not Strata's (neither a strata.dev apiVersion nor a
 * Strata kind with no or a strata-like apiVersion) are counted and ignored, so a fleet can live at
 * the root of a repository beside other YAML.
 */
public final class FleetLoader {
    private final LoadLimits limits;
    private final ShapeCheck shape;

    public FleetLoader(LoadLimits limits, ShapeCheck shape) {
        this.limits = limits;
        this.shape = shape;
    }

    /**
     * @param folder the fleet folder, relative to the tree's root ("" for the root)
     * @throws IOException when the tree itself cannot be read (not for problems in the specs)
     */
    public LoadResult load(SpecTree tree, String folder) throws IOException {
        Diagnostics diags = new Diagnostics();
        YamlReader reader = new YamlReader(limits);
        List<Fleet> fleets = new ArrayList<>();
        List<Stream> streams = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        List<MachineGroup> groups = new ArrayList<>();
        Map<Kind, Set<String>> declared = new EnumMap<>(Kind.class);
        Map<Origin, YamlDocument> documents = new HashMap<>();
        List<String> files = tree.listSpecFiles(folder);
        int docCount = 0;
        int ignored = 0;
        List<YamlDocument> fleetDocs = new ArrayList<>();

        for (String file : files) {
            Optional<byte[]> bytes = readSpecFile(tree, file, diags);
            if (bytes.isEmpty()) continue;
            for (YamlDocument doc : reader.read(file, bytes.get(), diags)) {
                docCount++;
                JsonNode json = doc.json();
                String apiVersion = json.path("apiVersion").isTextual() ? json.get("apiVersion").asText() : null;
                String kindName = json.path("kind").isTextual() ? json.get("kind").asText() : null;
                Optional<Kind> kind = Optional.ofNullable(kindName).flatMap(Kind::of);
                // A Strata kind with a misspelt strata apiVersion is ours (and reported), not silently ignored.
                boolean ours = json.isObject() && (apiVersion != null && apiVersion.startsWith(Kind.API_GROUP)
                        || kind.isPresent() && (apiVersion == null || apiVersion.toLowerCase(java.util.Locale.ROOT).contains("strata")));
                if (!ours) {
                    ignored++;
                    continue;
                }
                Origin origin = new Origin(file, doc.index());
                documents.put(origin, doc);
                if (kind.isEmpty()) {
                    var path = dev.strata.diag.PropertyPath.of("kind");
                    diags.add(Check.KIND_UNKNOWN, doc.valueAt(path), "kind",
                            kindName == null ? "document has no kind" : "unknown kind '" + kindName + "'");
                    continue;
                }
                String name = json.path("metadata").path("name").asText("");
                if (!name.isEmpty()) declared.computeIfAbsent(kind.get(), k -> new HashSet<>()).add(name);
                if (kind.get() == Kind.FLEET) fleetDocs.add(doc);

                List<Diagnostic> problems = shape.check(doc, kind.get());
                diags.addAll(problems);
                if (problems.stream().anyMatch(Diagnostic::isError)) continue;
                Binder binder = new Binder(doc, diags);
                switch (kind.get()) {
                    case FLEET -> binder.fleet().ifPresent(fleets::add);
                    case STREAM -> binder.stream().ifPresent(streams::add);
                    case IMAGE -> binder.image().ifPresent(images::add);
                    case MACHINE_GROUP -> binder.group().ifPresent(groups::add);
                }
            }
        }
        if (fleetDocs.isEmpty()) {
            diags.add(Check.FLEET_MISSING, Location.of(folder.isEmpty() ? "." : folder), "",
                    "no Fleet document in " + (folder.isEmpty() ? "the repository root" : folder)
                            + " (" + files.size() + (files.size() == 1 ? " YAML file" : " YAML files") + " read)");
        }
        for (YamlDocument extra : fleetDocs.subList(Math.min(1, fleetDocs.size()), fleetDocs.size())) {
            YamlDocument first = fleetDocs.get(0);
            diags.add(Check.FLEET_DUPLICATE, extra.start(), "",
                    "a second Fleet document; the first is at " + first.start());
        }
        return new LoadResult(folder, fleets, streams, images, groups, declared, documents, diags.sorted(),
                new LoadResult.Stats(files.size(), docCount, ignored));
    }

    private Optional<byte[]> readSpecFile(SpecTree tree, String file, Diagnostics diags) throws IOException {
        SpecTree.Resolved r = tree.resolve(file);
        if (r instanceof SpecTree.Resolved.Escapes e) {
            diags.add(Check.FILE_SOURCE_ESCAPES, Location.of(file), "", "spec file " + e.reason());
            return Optional.empty();
        }
        if (!(r instanceof SpecTree.Resolved.File f)) return Optional.empty(); // a dangling link or a folder named *.yaml
        try {
            return Optional.of(tree.read(f.path(), limits.maxFileBytes()));
        } catch (SpecTree.TooLargeException e) {
            diags.add(Check.YAML_LIMIT, Location.of(file), "",
                    "file is larger than " + limits.maxFileBytes() + " bytes, the limit for one spec file");
            return Optional.empty();
        }
    }
}
