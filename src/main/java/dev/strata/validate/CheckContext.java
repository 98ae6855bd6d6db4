package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.Diagnostics;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.load.LoadResult;
import dev.strata.source.SpecTree;
import dev.strata.spec.Origin;

/** What a semantic check reads (the loaded fleet, the repository) and where it reports. */
record CheckContext(LoadResult loaded, SpecTree tree, Diagnostics diagnostics) {

    void report(Check check, Origin origin, PropertyPath path, String message) {
        diagnostics.add(check, at(origin, path), path.toString(), message);
    }

    void report(Check check, Origin origin, PropertyPath path, String message, String hint) {
        diagnostics.add(check, at(origin, path), path.toString(), message, hint);
    }

    Location at(Origin origin, PropertyPath path) {
        return loaded.at(origin, path);
    }

    static PropertyPath spec(Object... rest) {
        PropertyPath p = PropertyPath.of("spec");
        for (Object r : rest) p = r instanceof Integer i ? p.with(i) : p.with((String) r);
        return p;
    }
}
