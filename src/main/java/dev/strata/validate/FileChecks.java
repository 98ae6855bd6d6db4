package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.PropertyPath;
import dev.strata.source.RepoPaths;
import dev.strata.source.SpecTree;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Files and folders an image carries: sources exist inside the repository, paths are clean and
 * written once, and warnings for places where an updated image does not reach existing machines.
 */
final class FileChecks implements SemanticCheck {
    /** /etc files that machines commonly edit in place; /etc is three-way merged, so such edits win. */
    static final Set<String> LOCALLY_EDITED_ETC = Set.of(
            "/etc/chrony.conf", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/fstab", "/etc/passwd",
            "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sysctl.conf", "/etc/ssh/sshd_config",
            "/etc/NetworkManager/NetworkManager.conf", "/etc/locale.conf", "/etc/vconsole.conf", "/etc/machine-id",
            "/etc/containers/registries.conf", "/etc/containers/policy.json", "/etc/selinux/config");

    @Override
    public void run(CheckContext ctx) throws IOException {
        // Many images name the same few files; each is resolved (a few file system calls) once.
        Map<String, SpecTree.Resolved> resolved = new HashMap<>();
        for (Image image : ctx.loaded().images()) check(ctx, image, resolved);
    }

    private static void check(CheckContext ctx, Image image, Map<String, SpecTree.Resolved> resolved) throws IOException {
        Map<String, PropertyPath> written = new HashMap<>();
        for (int l = 0; l < image.layers().size(); l++) {
            Layer layer = image.layers().get(l);
            for (int f = 0; f < layer.files().size(); f++) {
                Layer.FileEntry file = layer.files().get(f);
                PropertyPath at = CheckContext.spec("layers", l, "files", f);
                if (file.source().isPresent() == file.content().isPresent()) {
                    ctx.report(Check.FILE_SOURCE_OR_CONTENT, image.origin(), at, "file " + file.path() + " has "
                            + (file.source().isPresent() ? "both 'source' and 'content'" : "neither 'source' nor 'content'"));
                }
                if (file.source().isPresent()) source(ctx, image, file.source().get(), at.with("source"), resolved);
                target(ctx, image, file.path(), at.with("path"), written);
            }
            for (int d = 0; d < layer.directories().size(); d++) {
                target(ctx, image, layer.directories().get(d).path(), CheckContext.spec("layers", l, "directories", d, "path"), written);
            }
        }
    }

    private static void source(CheckContext ctx, Image image, String source, PropertyPath at,
                               Map<String, SpecTree.Resolved> resolved) throws IOException {
        Optional<String> joined = RepoPaths.join(image.origin().folder(), source);
        if (joined.isEmpty()) {
            ctx.report(Check.FILE_SOURCE_ESCAPES, image.origin(), at, "source '" + source + "' "
                    + (source.startsWith("/") ? "is an absolute path" : "climbs above the repository root"));
            return;
        }
        SpecTree.Resolved r = resolved.get(joined.get());
        if (r == null) {
            r = ctx.tree().resolve(joined.get());
            resolved.put(joined.get(), r);
        }
        if (r instanceof SpecTree.Resolved.Escapes e) {
            ctx.report(Check.FILE_SOURCE_ESCAPES, image.origin(), at, "source '" + source + "': " + e.reason());
        } else if (r instanceof SpecTree.Resolved.Missing m) {
            ctx.report(Check.FILE_SOURCE_MISSING, image.origin(), at, "source '" + source + "' "
                    + (m.reason().isEmpty() ? "does not exist" : "cannot be read: " + m.reason())
                    + " (looked for " + joined.get() + " from the repository root)");
        } else if (r instanceof SpecTree.Resolved.Folder) {
            ctx.report(Check.FILE_SOURCE_MISSING, image.origin(), at, "source '" + source + "' is a folder, not a file");
        }
    }

    private static void target(CheckContext ctx, Image image, String path, PropertyPath at, Map<String, PropertyPath> written) {
        boolean clean = path.startsWith("/") && path.length() > 1 && !path.endsWith("/") && !path.contains("//")
                && !path.contains("\0") && !("/" + path + "/").contains("/../") && !("/" + path + "/").contains("/./");
        if (!clean) {
            ctx.report(Check.FILE_PATH_INVALID, image.origin(), at, "'" + path + "' is not a clean absolute path in the image");
            return;
        }
        PropertyPath prior = written.putIfAbsent(path, at);
        if (prior != null) {
            ctx.report(Check.FILE_DUPLICATE_PATH, image.origin(), at, path + " is already written by " + prior.parent()
                    + " of image '" + image.name() + "'");
        }
        if (path.startsWith("/var/")) {
            ctx.report(Check.FILE_UNDER_VAR, image.origin(), at, path + " is under /var, which machines populate only at install");
        }
        if (LOCALLY_EDITED_ETC.contains(path)) {
            ctx.report(Check.FILE_ETC_MERGE, image.origin(), at, path + " is a file machines often edit locally; "
                    + "a local edit is kept over the image's version on update");
        }
    }
}
