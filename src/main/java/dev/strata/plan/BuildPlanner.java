package dev.strata.plan;

import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.MachineGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Decides which images to build, and says why: new, spec changed (which layers and files), or base moved. */
final class BuildPlanner {
    private BuildPlanner() {
    }

    static List<Action> plan(Desired d, Observed o) {
        List<Action> out = new ArrayList<>();
        for (Image image : buildOrder(d.fleet())) {
            InputsDigest in = d.inputs().get(image.name());
            if (in == null) {
                out.add(new Action.Wait(image.name(), Optional.empty(), Action.WaitCause.BUILD, Optional.empty(),
                        "base of image '" + image.name() + "' is not resolved; run with registry access or pin the stream"));
                continue;
            }
            Optional<Build> built = o.build(in.digest());
            Optional<Action.BuildImage> republish = built.flatMap(b -> republish(b, d, o));
            if (republish.isPresent()) {
                out.add(republish.get());
                continue;
            }
            if (built.isPresent()) {
                out.add(new Action.NoOp(image.name(), "up to date: " + short12(built.get().imageDigest())
                        + " built from " + short7(built.get().commit()) + platforms(built.get())));
                continue;
            }
            Action.BuildImage build = why(image, in, Optional.ofNullable(o.previousInputs().get(image.name())), d, o);
            if (image.multiArch()) {
                build = new Action.BuildImage(build.image(), build.inputsDigest(), build.cause(), build.changed(),
                        build.reason() + "; an image index for " + String.join(", ", image.platforms()), build.republish());
            }
            out.add(build);
        }
        return out;
    }

    /**
     * A revert in a zincati group: the build of the inputs at this revision was released before and
     * superseded (or is older than the newest release), so it is published again as a new release.
     */
    private static Optional<Action.BuildImage> republish(Build b, Desired d, Observed o) {
        for (MachineGroup g : d.fleet().groups()) {
            if (!Releases.zincati(g) || !g.image().equals(b.image())) continue;
            List<Release> releases = o.releases(g.name());
            Set<String> rejected = o.group(g.name()).map(GroupState::rejectedDigests).orElse(Set.of());
            if (!Releases.needsRepublish(b, releases, rejected)) continue;
            String why = Releases.ofDigest(releases, b.imageDigest())
                    .map(r -> "group " + g.name() + " goes back to inputs " + short12(b.inputsDigest()) + ", released as "
                            + r.version() + " (age " + r.ageIndex() + ")")
                    .orElse("group " + g.name() + " goes to " + short12(b.imageDigest()) + ", which is older than its newest release");
            return Optional.of(Releases.republish(g, b, releases, why));
        }
        return Optional.empty();
    }

    /** Parents before children, otherwise in the fleet's order. */
    static List<Image> buildOrder(FleetSpec fleet) {
        Map<String, Image> byName = FleetSpec.byName(fleet.images(), Image::name);
        Set<Image> ordered = new LinkedHashSet<>();
        for (Image i : fleet.images()) visit(i, byName, ordered, new LinkedHashSet<>());
        return List.copyOf(ordered);
    }

    private static void visit(Image i, Map<String, Image> byName, Set<Image> out, Set<String> path) {
        if (out.contains(i) || !path.add(i.name())) return;
        if (i.from() instanceof ImageSource.FromImage f && byName.containsKey(f.image())) {
            visit(byName.get(f.image()), byName, out, path);
        }
        out.add(i);
    }

    /** A multi-arch build's manifest per platform, for plans and previews; nothing for a single image. */
    static String platforms(Build b) {
        if (b.platforms().isEmpty()) return "";
        List<String> each = new ArrayList<>();
        b.platforms().forEach((platform, digest) -> each.add(platform + " " + short12(digest)));
        return " (" + String.join(", ", each) + ")";
    }

    private static Action.BuildImage why(Image image, InputsDigest now, Optional<InputsDigest> before, Desired d, Observed o) {
        if (before.isEmpty()) {
            return new Action.BuildImage(image.name(), now.digest(), Action.BuildCause.NEW_IMAGE, List.of(), "new image");
        }
        InputsDigest prev = before.get();
        if (prev.digest().equals(now.digest())) {
            // The inputs were recorded (an earlier build failed, or its image was deleted) but nothing was pushed.
            return new Action.BuildImage(image.name(), now.digest(), Action.BuildCause.NEW_IMAGE, List.of(),
                    "inputs " + short12(now.digest()) + " unchanged, but no build of them was found");
        }
        List<String> reasons = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        boolean baseMoved = !prev.baseDigest().equals(now.baseDigest());
        if (baseMoved) reasons.add("base moved from " + base(prev.baseDigest(), o) + " to " + base(now.baseDigest(), o));
        Map<String, InputsDigest.LayerDigest> old = new LinkedHashMap<>();
        prev.layers().forEach(l -> old.put(l.name(), l));
        for (InputsDigest.LayerDigest l : now.layers()) {
            InputsDigest.LayerDigest was = old.remove(l.name());
            if (was == null) {
                reasons.add("layer " + l.name() + " added");
                changed.addAll(l.entries().keySet());
            } else if (!was.digest().equals(l.digest())) {
                List<String> entries = changedEntries(was, l);
                changed.addAll(entries);
                reasons.add("layer " + l.name() + ": " + (entries.isEmpty() ? "entries reordered" : String.join(", ", entries) + " changed"));
            }
        }
        old.keySet().forEach(name -> reasons.add("layer " + name + " removed"));
        if (reasons.isEmpty() && !prev.digest().equals(now.digest())) {
            // The inputs record no platforms; a multi-arch image's unexplained change may be its platform list.
            reasons.add(!layerNames(prev).equals(layerNames(now)) ? "layers reordered"
                    : image.multiArch() ? "labels or platforms changed" : "labels changed");
        }
        Action.BuildCause cause = baseMoved && reasons.size() == 1 ? Action.BuildCause.BASE_MOVED : Action.BuildCause.SPEC_CHANGED;
        return new Action.BuildImage(image.name(), now.digest(), cause, changed, String.join("; ", reasons));
    }

    private static List<String> layerNames(InputsDigest d) {
        return d.layers().stream().map(InputsDigest.LayerDigest::name).toList();
    }

    private static List<String> changedEntries(InputsDigest.LayerDigest was, InputsDigest.LayerDigest now) {
        Set<String> keys = new LinkedHashSet<>(now.entries().keySet());
        keys.addAll(was.entries().keySet());
        return keys.stream().filter(k -> !Objects.equals(was.entries().get(k), now.entries().get(k))).toList();
    }

    /** A base for display: a short digest and, when a stream or build knows it, the version. */
    private static String base(String digest, Observed o) {
        if (digest.startsWith("inputs:")) return "image inputs " + short12(digest.substring(7));
        Optional<String> version = o.streams().values().stream().filter(s -> s.digest().equals(digest))
                .findFirst().flatMap(StreamResolution::version)
                .or(() -> o.builds().values().stream().filter(b -> b.baseVersion().isPresent())
                        .filter(b -> digest.equals(b.baseDigest())).findFirst().flatMap(Build::baseVersion));
        return short12(digest) + version.map(v -> " (" + v + ")").orElse("");
    }

    static String short12(String digest) {
        int colon = digest.indexOf(':');
        String hex = colon < 0 ? digest : digest.substring(colon + 1);
        return (colon < 0 ? "" : digest.substring(0, colon + 1)) + hex.substring(0, Math.min(12, hex.length()));
    }

    static String short7(String commit) {
        return commit.substring(0, Math.min(7, commit.length()));
    }
}
