package dev.strata.plan;

import dev.strata.plan.Preview.ArgChange;
import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.ContainerfileChange;
import dev.strata.plan.Preview.FileChange;
import dev.strata.spec.Layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the containerfile layers of one image at two revisions: the caller reads each layer's
 * Containerfile and context (as the build would) and this decides, with no I/O, which layers were
 * added, removed, moved or changed, and how.
 */
public final class PreviewContainerfiles {
    private PreviewContainerfiles() {
    }

    /**
     * One containerfile layer as a revision has it: its name, its 1-based place among the image's layers,
     * the spec, the repository paths of its Containerfile and context, the Containerfile's bytes and the
     * context's files by path relative to the context.
     */
    public record Step(String layer, int position, Layer.Containerfile spec, String path, String contextPath,
                       byte[] containerfile, Map<String, ContextFile> context) {
        public Step {
            containerfile = containerfile.clone();
            context = Map.copyOf(context);
        }
    }

    /** A context file's bytes (a symlink's target for a symlink), mode, and whether it may never be shown. */
    public record ContextFile(byte[] bytes, int mode, boolean hidden) {
        public ContextFile {
            bytes = bytes.clone();
        }
    }

    /**
     * The changes of {@code image}'s containerfile layers from {@code base} to {@code head} (each in layer
     * order), head's layers first, then the removed ones; {@code headLayers} counts all of head's layers.
     */
    public static List<ContainerfileChange> between(String image, List<Step> base, List<Step> head, int headLayers,
                                                    List<String> baseOrder, List<String> headOrder) {
        Map<String, Step> was = byName(base);
        List<String> common = headOrder.stream().filter(baseOrder::contains).toList();
        List<String> commonBefore = baseOrder.stream().filter(headOrder::contains).toList();
        List<ContainerfileChange> out = new ArrayList<>();
        for (Step now : head) {
            Step old = was.get(now.layer());
            if (old == null) {
                out.add(change(image, Change.ADDED, Optional.empty(), Optional.of(now), headLayers, false));
                continue;
            }
            boolean moved = common.indexOf(now.layer()) != commonBefore.indexOf(now.layer());
            ContainerfileChange c = change(image, Change.CHANGED, Optional.of(old), Optional.of(now), headLayers, moved);
            boolean changed = c.containerfile().isPresent() || !c.args().isEmpty() || !c.context().isEmpty()
                    || !old.path().equals(now.path()) || !old.contextPath().equals(now.contextPath());
            if (changed || moved) {
                out.add(changed ? c : new ContainerfileChange(c.image(), c.layer(), Change.UNCHANGED, c.fromPosition(),
                        c.toPosition(), c.layerCount(), true, c.path(), c.contextPath(), c.containerfile(), c.args(), c.context()));
            }
        }
        Map<String, Step> is = byName(head);
        for (Step old : base) {
            if (!is.containsKey(old.layer())) out.add(change(image, Change.REMOVED, Optional.of(old), Optional.empty(), headLayers, false));
        }
        return List.copyOf(out);
    }

    private static ContainerfileChange change(String image, Change change, Optional<Step> was, Optional<Step> now,
                                              int headLayers, boolean moved) {
        Step any = now.or(() -> was).orElseThrow();
        Optional<byte[]> before = was.map(Step::containerfile), after = now.map(Step::containerfile);
        Optional<FileChange> file = before.isPresent() && after.isPresent() && Arrays.equals(before.get(), after.get())
                ? Optional.empty()
                : Optional.of(new FileChange(image, any.path(), 0644, false, before, after));
        return new ContainerfileChange(image, any.layer(), change, was.map(Step::position), now.map(Step::position),
                headLayers, moved, any.path(), any.contextPath(), file, args(was, now), context(image, was, now));
    }

    private static List<ArgChange> args(Optional<Step> was, Optional<Step> now) {
        Map<String, String> before = was.map(s -> s.spec().args()).orElse(Map.of());
        Map<String, String> after = now.map(s -> s.spec().args()).orElse(Map.of());
        List<ArgChange> out = new ArrayList<>();
        for (String name : new TreeSet<>(union(before.keySet(), after.keySet()))) {
            ArgChange a = new ArgChange(name, Optional.ofNullable(before.get(name)), Optional.ofNullable(after.get(name)));
            if (a.change() != Change.UNCHANGED) out.add(a);
        }
        return out;
    }

    private static List<FileChange> context(String image, Optional<Step> was, Optional<Step> now) {
        Map<String, ContextFile> before = new TreeMap<>(was.map(Step::context).orElse(Map.of()));
        Map<String, ContextFile> after = new TreeMap<>(now.map(Step::context).orElse(Map.of()));
        List<FileChange> out = new ArrayList<>();
        for (String path : new TreeSet<>(union(before.keySet(), after.keySet()))) {
            ContextFile b = before.get(path), a = after.get(path);
            if (b != null && a != null && b.mode() == a.mode() && Arrays.equals(b.bytes(), a.bytes()) && b.hidden() == a.hidden()) continue;
            ContextFile any = a != null ? a : b;
            boolean hidden = (b != null && b.hidden()) || (a != null && a.hidden());
            out.add(new FileChange(image, path, any.mode(), hidden, Optional.ofNullable(b).map(ContextFile::bytes),
                    Optional.ofNullable(a).map(ContextFile::bytes)));
        }
        return out;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        List<String> out = new ArrayList<>(a);
        b.stream().filter(x -> !a.contains(x)).forEach(out::add);
        return out;
    }

    private static Map<String, Step> byName(List<Step> steps) {
        Map<String, Step> out = new LinkedHashMap<>();
        steps.forEach(s -> out.put(Objects.requireNonNull(s.layer()), s));
        return out;
    }
}
