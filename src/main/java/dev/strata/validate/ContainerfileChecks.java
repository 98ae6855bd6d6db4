package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.diag.Location;
import dev.strata.diag.PropertyPath;
import dev.strata.source.RepoPaths;
import dev.strata.source.SpecTree;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Containerfile layers: the layer holds nothing else, the Containerfile and its context are in the
 * repository (and the context's symlinks stay in the context, as the build copies them as they are),
 * build arguments are well named and not Strata's own, and every FROM keeps the contract
 * ({@link ContainerfileFrom}), reported at the Containerfile's own line and column.
 */
final class ContainerfileChecks implements SemanticCheck {
    static final long MAX_CONTAINERFILE_BYTES = 1L << 20;
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public void run(CheckContext ctx) throws IOException {
        for (Image image : ctx.loaded().images()) {
            for (int l = 0; l < image.layers().size(); l++) {
                Layer layer = image.layers().get(l);
                if (layer.containerfile().isPresent()) check(ctx, image, layer, CheckContext.spec("layers", l));
            }
        }
    }

    private static void check(CheckContext ctx, Image image, Layer layer, PropertyPath at) throws IOException {
        Layer.Containerfile cf = layer.containerfile().get();
        PropertyPath cfAt = at.with("containerfile");
        if (layer.hasFileContent()) {
            ctx.report(Check.CONTAINERFILE_MIXED, image.origin(), cfAt, "layer '" + layer.name()
                    + "' has a containerfile and also files, directories, systemd or kernelArguments");
        }
        Optional<String> file = place(ctx, image, cf.path(), "Containerfile", cfAt.with("path"));
        if (file.isPresent()) {
            SpecTree.Resolved r = ctx.tree().resolve(file.get());
            if (r instanceof SpecTree.Resolved.File f) {
                from(ctx, image, layer.name(), f.path(), cfAt.with("path"));
            } else {
                missing(ctx, image, r, "Containerfile '" + cf.path() + "'", file.get(), cfAt.with("path"), "a folder, not a file");
            }
        }
        Optional<String> context = cf.context().isPresent()
                ? place(ctx, image, cf.context().get(), "context", cfAt.with("context"))
                : file.map(RepoPaths::parent);
        PropertyPath ctxAt = cf.context().isPresent() ? cfAt.with("context") : cfAt.with("path");
        if (context.isPresent()) {
            SpecTree.Resolved r = ctx.tree().resolve(context.get());
            if (r instanceof SpecTree.Resolved.Folder folder) {
                links(ctx, image, folder.path(), ctxAt);
            } else {
                missing(ctx, image, r, "context '" + cf.context().orElse(context.get()) + "'", context.get(), ctxAt,
                        "a file, not a folder");
            }
        }
        for (String name : cf.args().keySet()) {
            PropertyPath argAt = cfAt.with("args").with(name);
            if (!ARG_NAME.matcher(name).matches()) {
                ctx.report(Check.CONTAINERFILE_ARG, image.origin(), argAt, "build argument '" + name
                        + "' is not a valid name");
            } else if (name.startsWith("STRATA_") || name.equals("KERNEL_VERSION")) {
                ctx.report(Check.CONTAINERFILE_ARG, image.origin(), argAt, "build argument '" + name
                        + "' is set by Strata (STRATA_BASE is the image built so far, KERNEL_VERSION its kernel)");
            }
        }
    }

    /** The repository path of {@code relative}, or a report that it escapes the repository lexically. */
    private static Optional<String> place(CheckContext ctx, Image image, String relative, String what, PropertyPath at) {
        Optional<String> joined = RepoPaths.join(image.origin().folder(), relative);
        if (joined.isEmpty()) {
            ctx.report(Check.CONTAINERFILE_ESCAPES, image.origin(), at, what + " '" + relative + "' "
                    + (relative.startsWith("/") ? "is an absolute path" : "climbs above the repository root"));
        }
        return joined;
    }

    private static void missing(CheckContext ctx, Image image, SpecTree.Resolved r, String what, String joined,
                                PropertyPath at, String wrongKind) {
        if (r instanceof SpecTree.Resolved.Escapes e) {
            ctx.report(Check.CONTAINERFILE_ESCAPES, image.origin(), at, what + ": " + e.reason());
        } else if (r instanceof SpecTree.Resolved.Missing m) {
            ctx.report(Check.CONTAINERFILE_MISSING, image.origin(), at, what + " "
                    + (m.reason().isEmpty() ? "does not exist" : "cannot be read: " + m.reason())
                    + " (looked for " + joined + " from the repository root)");
        } else {
            ctx.report(Check.CONTAINERFILE_MISSING, image.origin(), at, what + " is " + wrongKind);
        }
    }

    /** Symlinks in the context are copied as links: each must point inside the context. */
    private static void links(CheckContext ctx, Image image, String folder, PropertyPath at) throws IOException {
        for (SpecTree.Node node : ctx.tree().walk(folder)) {
            if (node.type() == SpecTree.Node.Type.OTHER) {
                ctx.report(Check.CONTAINERFILE_MISSING, image.origin(), at, "context " + folder + " holds " + node.path()
                        + ", which is neither a file nor a symlink (a Git submodule?)");
            } else if (node.type() == SpecTree.Node.Type.SYMLINK) {
                Optional<String> target = RepoPaths.join(RepoPaths.parent(node.path()), node.linkTarget());
                boolean inside = target.isPresent() && (target.get().equals(folder) || folder.isEmpty()
                        || target.get().startsWith(folder + "/"));
                if (!inside) {
                    ctx.report(Check.CONTAINERFILE_ESCAPES, image.origin(), at, "context " + folder + " holds the symlink "
                            + node.path() + " -> " + node.linkTarget() + ", which leads out of the context");
                }
            }
        }
    }

    private static void from(CheckContext ctx, Image image, String layer, String file, PropertyPath at) throws IOException {
        String text = new String(ctx.tree().read(file, MAX_CONTAINERFILE_BYTES), StandardCharsets.UTF_8);
        for (ContainerfileFrom.Violation v : ContainerfileFrom.check(text)) {
            ctx.diagnostics().add(Check.CONTAINERFILE_FROM, new Location(file, v.line(), v.column()), at.toString(),
                    v.message() + " (layer '" + layer + "' of image '" + image.name() + "')");
        }
    }
}
