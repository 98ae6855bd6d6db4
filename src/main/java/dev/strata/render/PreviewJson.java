package dev.strata.render;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.PackageDelta;
import dev.strata.plan.Packages;
import dev.strata.plan.Preview;
import dev.strata.plan.Preview.ArgChange;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.ContainerfileChange;
import dev.strata.plan.Preview.FileChange;

/**
 * The {@code preview} object of a preview's JSON (docs/plan-json.md#preview): the same facts as the
 * Markdown, as data. File contents never appear: a changed file is its path, how it changed, whether it
 * is hidden, and short hashes.
 */
final class PreviewJson {
    private PreviewJson() {
    }

    static ObjectNode tree(Preview preview, JsonMapper json) {
        ObjectNode o = json.createObjectNode();
        preview.baseRevision().ifPresent(b -> o.put("base", b));
        o.put("head", preview.headRevision());
        ArrayNode layers = o.putArray("containerfiles");
        for (ContainerfileChange c : preview.containerfiles()) containerfile(c, layers.addObject());
        ArrayNode packages = o.putArray("packages");
        for (PackageDelta p : preview.packages()) packages(p, packages.addObject());
        return o;
    }

    private static void containerfile(ContainerfileChange c, ObjectNode o) {
        o.put("image", c.image());
        o.put("layer", c.layer());
        o.put("change", c.change() == Change.UNCHANGED ? "moved" : c.change().word());
        o.put("moved", c.moved());
        c.fromPosition().ifPresent(p -> o.put("fromPosition", p));
        c.toPosition().ifPresent(p -> o.put("toPosition", p));
        o.put("layerCount", c.layerCount());
        o.put("path", c.path());
        o.put("context", c.contextPath());
        c.containerfile().ifPresent(f -> file(f, o.putObject("containerfile")));
        ArrayNode args = o.putArray("args");
        for (ArgChange a : c.args()) {
            ObjectNode x = args.addObject();
            x.put("name", a.name());
            x.put("change", a.change().word());
            a.before().ifPresent(v -> x.put("before", v));
            a.after().ifPresent(v -> x.put("after", v));
        }
        ArrayNode files = o.putArray("contextFiles");
        for (FileChange f : c.context()) file(f, files.addObject());
    }

    private static void file(FileChange f, ObjectNode o) {
        o.put("path", f.path());
        o.put("change", f.change().word());
        o.put("hidden", f.hidden());
        f.before().ifPresent(b -> o.put("before", FileDiffs.shortHash(b)));
        f.after().ifPresent(b -> o.put("after", FileDiffs.shortHash(b)));
    }

    private static void packages(PackageDelta p, ObjectNode o) {
        o.put("image", p.image());
        p.previousDigest().ifPresent(d -> o.put("previousDigest", d));
        o.put("digest", p.digest());
        ArrayNode added = o.putArray("added"), removed = o.putArray("removed"), changed = o.putArray("changed");
        p.delta().added().forEach(x -> pkg(x, added.addObject()));
        p.delta().removed().forEach(x -> pkg(x, removed.addObject()));
        for (Packages.Upgrade u : p.delta().changed()) {
            ObjectNode x = changed.addObject();
            x.put("name", u.name());
            if (!u.arch().isEmpty()) x.put("arch", u.arch());
            x.put("from", u.from());
            x.put("to", u.to());
        }
    }

    private static void pkg(Packages.Package p, ObjectNode o) {
        o.put("name", p.name());
        o.put("version", p.version());
        if (!p.arch().isEmpty()) o.put("arch", p.arch());
    }
}
