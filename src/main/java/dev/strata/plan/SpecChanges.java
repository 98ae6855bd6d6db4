package dev.strata.plan;

import dev.strata.plan.Preview.Change;
import dev.strata.plan.Preview.SpecChange;
import dev.strata.spec.Fleet;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Image;
import dev.strata.spec.Kind;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Compares the spec objects of two revisions, kind by kind (Fleet, Stream, Image, MachineGroup),
 * head order first and then objects only the base has. Where an object was written (its file and
 * document) does not count: moving a document to another file changes nothing. The bytes of files
 * named by {@code source:} are not part of a spec; they show as {@link Preview.FileChange}s.
 */
public final class SpecChanges {
    private static final Origin NOWHERE = new Origin("-", 0);

    private SpecChanges() {
    }

    public static List<SpecChange> between(FleetSpec base, FleetSpec head) {
        return between(Optional.of(base), head);
    }

    /** Every object of {@code head} added, its Fleet too: the base revision had no valid fleet. */
    public static List<SpecChange> added(FleetSpec head) {
        return between(Optional.empty(), head);
    }

    private static List<SpecChange> between(Optional<FleetSpec> base, FleetSpec head) {
        List<SpecChange> out = new ArrayList<>();
        compare(Kind.FLEET, base.map(b -> List.of(b.fleet())).orElse(List.of()), List.of(head.fleet()), Fleet::name,
                f -> new Fleet(f.name(), f.registry(), f.insecureRegistries(), f.mirrors(), NOWHERE), out);
        compare(Kind.STREAM, base.map(FleetSpec::streams).orElse(List.of()), head.streams(), Stream::name,
                s -> new Stream(s.name(), s.image(), s.tag(), s.pin(), s.version(), s.barriers(), s.deadEnds(),
                        s.updateMetadata(), NOWHERE), out);
        compare(Kind.IMAGE, base.map(FleetSpec::images).orElse(List.of()), head.images(), Image::name,
                i -> new Image(i.name(), i.from(), i.labels(), i.layers(), NOWHERE), out);
        compare(Kind.MACHINE_GROUP, base.map(FleetSpec::groups).orElse(List.of()), head.groups(), MachineGroup::name,
                g -> new MachineGroup(g.name(), g.image(), g.delivery(), g.machines(), g.rollout(), g.agent(), NOWHERE), out);
        return List.copyOf(out);
    }

    private static <T> void compare(Kind kind, List<T> base, List<T> head, Function<T, String> name,
                                    UnaryOperator<T> withoutOrigin, List<SpecChange> out) {
        Map<String, T> before = FleetSpec.byName(base, name);
        Map<String, T> after = FleetSpec.byName(head, name);
        for (Map.Entry<String, T> e : after.entrySet()) {
            T was = before.get(e.getKey());
            Change c = was == null ? Change.ADDED
                    : Objects.equals(withoutOrigin.apply(was), withoutOrigin.apply(e.getValue())) ? Change.UNCHANGED
                    : Change.CHANGED;
            out.add(new SpecChange(kind, e.getKey(), c));
        }
        for (String gone : before.keySet()) {
            if (!after.containsKey(gone)) out.add(new SpecChange(kind, gone, Change.REMOVED));
        }
    }
}
