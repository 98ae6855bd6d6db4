package dev.strata.reconcile;

import dev.strata.inputs.InputsHasher;
import dev.strata.plan.Desired;
import dev.strata.plan.InputsDigest;
import dev.strata.plan.Observed;
import dev.strata.plan.Plan;
import dev.strata.plan.Preview;
import dev.strata.plan.SpecChanges;
import dev.strata.plan.StreamResolution;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Layer;
import dev.strata.spec.Stream;
import dev.strata.source.SpecTree;
import dev.strata.state.StateSnapshot;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pull-request preview: what merging head into base would do. Works with no state store and no
 * registry: streams resolve from pins, the state's recorded digests, or the base revision's
 * resolution of the same stream; nothing that only head names is contacted.
 */
public final class Previewing {
    private Previewing() {
    }

    public record Result(Plan plan, Preview preview, Desired head, List<String> notes) {
    }

    public static Result preview(Revision base, Revision head, StreamSource streams, Optional<StateSnapshot> state,
                                 Instant now) throws IOException, InvalidSpecsException {
        FleetSpec headFleet = Planning.fleetOf(head);
        Optional<FleetSpec> baseFleet = base.validation().fleet();
        List<String> notes = new ArrayList<>();
        if (baseFleet.isEmpty()) notes.add("the base revision " + base.revision() + " does not validate; everything in head shows as new");

        Map<String, StreamResolution> recorded = Planning.recorded(state);
        StreamSource.Resolved baseStreams = baseFleet.map(f -> streams.resolve(f, recorded))
                .orElse(new StreamSource.Resolved(Map.of(), List.of()));
        notes.addAll(baseStreams.notes());
        // Head may reuse base's answer only for a stream it did not change.
        Map<String, StreamResolution> reusable = new LinkedHashMap<>(recorded);
        for (Stream s : headFleet.streams()) {
            Optional<Stream> before = baseFleet.flatMap(f -> f.stream(s.name()));
            if (before.isPresent() && sameSource(before.get(), s) && baseStreams.streams().containsKey(s.name())) {
                reusable.put(s.name(), baseStreams.streams().get(s.name()));
            } else if (!before.map(b -> sameSource(b, s)).orElse(false)) {
                reusable.remove(s.name());
            }
        }
        StreamSource.Resolved headStreams = StreamSource.offline().resolve(headFleet, reusable);
        headStreams.notes().stream().filter(n -> !n.startsWith("offline:")).forEach(notes::add);

        // Base and head are hashed side by side, and the spec and file changes found meanwhile: on a large
        // fleet each is a noticeable part of a preview, and none depends on another.
        Concurrently<Map<String, InputsDigest>> baseHashing = Concurrently.start("strata-preview-base",
                () -> baseFleet.isPresent() ? new InputsHasher(base.tree()).digests(baseFleet.get(), baseStreams.streams()) : Map.of());
        InputsHasher headHasher = new InputsHasher(head.tree());
        Concurrently<Preview> changes = Concurrently.start("strata-preview-changes", () -> new Preview(
                Optional.of(base.revision()), head.revision(),
                baseFleet.map(f -> SpecChanges.between(f, headFleet)).orElseGet(() -> SpecChanges.added(headFleet)),
                fileChanges(baseFleet, base, headFleet, headHasher),
                ContainerfilePreview.changes(baseFleet, base.tree(), headFleet, head.tree()), List.of()));
        Map<String, InputsDigest> headInputs = headHasher.digests(headFleet, headStreams.streams());
        Map<String, InputsDigest> baseInputs = baseHashing.get();
        Desired desired = new Desired(headFleet, head.revision(), headInputs);

        Observed observed = state.map(s -> s.observed(headStreams.streams(), baseInputs))
                .orElseGet(() -> Planning.assumeRolledOut(baseFleet.orElse(emptyLike(headFleet)), baseInputs,
                        baseStreams.streams(), headStreams.streams(), base.revision(), now));
        Plan plan = Planning.assumingBuilds(desired, observed, head.revision(), now);
        return new Result(plan, changes.get(), desired, notes);
    }

    private static boolean sameSource(Stream a, Stream b) {
        return a.image().equals(b.image()) && a.tag().equals(b.tag()) && a.pin().equals(b.pin());
    }

    private static FleetSpec emptyLike(FleetSpec f) {
        return new FleetSpec(f.fleet(), List.of(), List.of(), List.of());
    }

    /**
     * Before and after bytes of every file that differs between base and head, image by image in head's
     * order. Whether the image rebuilds does not matter: a revert to inputs that are built already
     * rebuilds nothing, and still changes the files machines get.
     */
    private static List<Preview.FileChange> fileChanges(Optional<FleetSpec> baseFleet, Revision base, FleetSpec headFleet,
                                                        InputsHasher headHasher) throws IOException {
        InputsHasher baseHasher = new InputsHasher(base.tree());
        List<Preview.FileChange> out = new ArrayList<>();
        for (Image now : headFleet.images()) {
            Optional<Image> was = baseFleet.flatMap(f -> f.image(now.name()));
            Map<String, Layer.FileEntry> before = files(was);
            Map<String, Layer.FileEntry> after = files(Optional.of(now));
            List<String> paths = new ArrayList<>(after.keySet());
            before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(paths::add);
            for (String path : paths) {
                Optional<Layer.FileEntry> w = Optional.ofNullable(before.get(path));
                Optional<Layer.FileEntry> n = Optional.ofNullable(after.get(path));
                if (w.isPresent() && n.isPresent()
                        && sameWithoutReading(base.tree(), was.get(), w.get(), headHasher.tree(), now, n.get())) {
                    continue;
                }
                Optional<byte[]> wb = w.isPresent() ? Optional.of(baseHasher.bytes(was.get(), w.get())) : Optional.empty();
                Optional<byte[]> nb = n.isPresent() ? Optional.of(headHasher.bytes(now, n.get())) : Optional.empty();
                boolean same = w.isPresent() && n.isPresent() && java.util.Arrays.equals(wb.get(), nb.get())
                        && w.get().mode() == n.get().mode() && Objects.equals(w.get().owner(), n.get().owner());
                if (!same) out.add(Preview.FileChange.between(now.name(), w, wb, n, nb));
            }
        }
        return out;
    }

    /**
     * Whether two entries are known to place the same bytes with the same mode and owner without reading
     * them: equal inline content, or sources that are the same Git blob. Otherwise they are read and compared.
     */
    private static boolean sameWithoutReading(SpecTree baseTree, Image was, Layer.FileEntry w,
                                              SpecTree headTree, Image now, Layer.FileEntry n) {
        if (w.mode() != n.mode() || !Objects.equals(w.owner(), n.owner())) return false;
        if (w.content().isPresent() || n.content().isPresent()) return w.content().equals(n.content());
        Optional<String> before = InputsHasher.sourcePath(was, w).flatMap(p -> contentId(baseTree, p));
        return before.isPresent() && before.equals(InputsHasher.sourcePath(now, n).flatMap(p -> contentId(headTree, p)));
    }

    private static Optional<String> contentId(SpecTree tree, String path) {
        try {
            return tree.contentId(path);
        } catch (IOException e) {
            return Optional.empty(); // read and reported as before
        }
    }

    private static Map<String, Layer.FileEntry> files(Optional<Image> image) {
        Map<String, Layer.FileEntry> out = new LinkedHashMap<>();
        image.ifPresent(i -> i.layers().forEach(l -> l.files().forEach(f -> out.put(f.path(), f))));
        return out;
    }
}
