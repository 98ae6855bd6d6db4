package dev.strata.reconcile;

import dev.strata.plan.StreamResolution;
import dev.strata.spec.FleetSpec;
import dev.strata.spec.Stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the fleet's streams to base digests for one run. Pinned streams need nothing; followed
 * streams need a registry, or a digest recorded by an earlier run when offline.
 */
public interface StreamSource {

    Resolved resolve(FleetSpec fleet, Map<String, StreamResolution> recorded);

    /** The streams that resolved, and a note per stream that did not (what to do about it). */
    record Resolved(Map<String, StreamResolution> streams, List<String> notes) {
        public Resolved {
            streams = Map.copyOf(streams);
            notes = List.copyOf(notes);
        }
    }

    /**
     * No registry access: pins, else the recorded digest, said so. Used for --offline and for
     * pull-request previews, which must not contact what the pull request names.
     */
    static StreamSource offline() {
        return (fleet, recorded) -> {
            Map<String, StreamResolution> out = new LinkedHashMap<>();
            List<String> notes = new java.util.ArrayList<>();
            for (Stream s : fleet.streams()) {
                Optional<StreamResolution> r = pinned(s).or(() -> Optional.ofNullable(recorded.get(s.name()))
                        .map(x -> new StreamResolution(s.name(), x.digest(), x.version(), StreamResolution.Source.RECORDED)));
                r.ifPresentOrElse(x -> out.put(s.name(), x), () -> notes.add("stream " + s.name() + " follows "
                        + s.image() + ":" + s.tag().orElse("?") + " and no digest is recorded; run without --offline, or pin it"));
                if (r.isPresent() && r.get().source() == StreamResolution.Source.RECORDED) {
                    notes.add("offline: stream " + s.name() + " uses its recorded digest " + r.get().digest());
                }
            }
            return new Resolved(out, notes);
        };
    }

    static Optional<StreamResolution> pinned(Stream s) {
        return s.pin().map(p -> new StreamResolution(s.name(), p, s.version(), StreamResolution.Source.PIN));
    }
}
