package dev.strata.reconcile;

import dev.strata.inputs.ContainerfileContext;
import dev.strata.inputs.InputsHasher;
import dev.strata.plan.Preview;
import dev.strata.plan.PreviewContainerfiles;
import dev.strata.source.SpecTree;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the containerfile layers of every image at base and head (the same Containerfile and context
 * bytes the build uses) for {@link PreviewContainerfiles} to compare. A context file that either
 * revision also places in an image as a hidden file ({@code secret: true}, or not world-readable) is
 * hidden here too, so a keyfile copied into a build context never shows through the context.
 */
final class ContainerfilePreview {
    private ContainerfilePreview() {
    }

    static List<Preview.ContainerfileChange> changes(Optional<FleetSpec> baseFleet, SpecTree baseTree, FleetSpec headFleet,
                                                     SpecTree headTree) throws IOException {
        Set<String> hidden = new HashSet<>(hiddenSources(headFleet));
        baseFleet.ifPresent(f -> hidden.addAll(hiddenSources(f)));
        List<Preview.ContainerfileChange> out = new ArrayList<>();
        for (Image now : headFleet.images()) {
            Optional<Image> was = baseFleet.flatMap(f -> f.image(now.name()));
            List<PreviewContainerfiles.Step> before = was.isPresent() ? steps(was.get(), baseTree, hidden) : List.of();
            List<PreviewContainerfiles.Step> after = steps(now, headTree, hidden);
            if (before.isEmpty() && after.isEmpty()) continue;
            out.addAll(PreviewContainerfiles.between(now.name(), before, after, now.layers().size(),
                    was.map(ContainerfilePreview::order).orElse(List.of()), order(now)));
        }
        return out;
    }

    private static List<String> order(Image image) {
        return image.layers().stream().map(Layer::name).toList();
    }

    private static List<PreviewContainerfiles.Step> steps(Image image, SpecTree tree, Set<String> hidden) throws IOException {
        List<PreviewContainerfiles.Step> out = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            Layer layer = image.layers().get(i);
            if (layer.containerfile().isEmpty()) continue;
            Layer.Containerfile cf = layer.containerfile().get();
            ContainerfileContext ctx = ContainerfileContext.read(tree, image, cf);
            String contextPath = ContainerfileContext.contextPath(image, cf);
            String path = ContainerfileContext.containerfilePath(image, cf);
            Map<String, PreviewContainerfiles.ContextFile> files = new LinkedHashMap<>();
            for (ContainerfileContext.Entry e : ctx.entries()) {
                String repoPath = contextPath.isEmpty() ? e.path() : contextPath + "/" + e.path();
                if (repoPath.equals(path)) continue; // shown as the Containerfile already
                byte[] bytes = e.symlink() ? ("symlink to " + e.linkTarget() + "\n").getBytes(StandardCharsets.UTF_8) : e.bytes();
                files.put(e.path(), new PreviewContainerfiles.ContextFile(bytes, e.symlink() ? 0777 : e.mode(),
                        hidden.contains(repoPath)));
            }
            out.add(new PreviewContainerfiles.Step(layer.name(), i + 1, cf, path, contextPath, ctx.containerfile(), files));
        }
        return out;
    }

    /** Repository paths of the files placed as hidden files anywhere in the fleet. */
    private static Set<String> hiddenSources(FleetSpec fleet) {
        Set<String> out = new HashSet<>();
        for (Image i : fleet.images()) {
            i.layers().stream().flatMap(l -> l.files().stream()).filter(Layer.FileEntry::hidden)
                    .flatMap(f -> InputsHasher.sourcePath(i, f).stream()).forEach(out::add);
        }
        return out;
    }
}
