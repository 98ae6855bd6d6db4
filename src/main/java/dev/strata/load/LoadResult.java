package dev.strata.load;

import dev.strata.diag.Diagnostic;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.spec.Fleet;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What loading a fleet folder produced: the objects that bound cleanly, every name declared (even by
 * documents that did not bind, so references to them are not reported twice), the documents for
 * locating later diagnostics, and the diagnostics so far. The documents do not hold their JSON (on a
 * large fleet it is most of the memory); {@link YamlDocument#json()} converts it again from the text.
 */
public record LoadResult(String folder, List<Fleet> fleets, List<Stream> streams, List<Image> images,
                         List<MachineGroup> groups, Map<Kind, Set<String>> declared,
                         Map<Origin, YamlDocument> documents, List<Diagnostic> diagnostics, Stats stats) {

    public record Stats(int files, int documents, int ignored) {
    }

    public boolean declares(Kind kind, String name) {
        return declared.getOrDefault(kind, Set.of()).contains(name);
    }

    public Location at(Origin origin, PropertyPath path) {
        YamlDocument d = documents.get(origin);
        return d == null ? Location.of(origin.file()) : d.valueAt(path);
    }
}
