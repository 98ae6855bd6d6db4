package dev.strata.spec;

import java.util.List;
import java.util.Optional;

/**
 * A base image stream. Followed when {@code pin} is empty (the tag is resolved at every reconcile),
 * pinned otherwise. Barriers and dead ends are versions, as in FCOS update metadata.
 */
public record Stream(String name, String image, Optional<String> tag, Optional<String> pin, Optional<String> version,
                     List<String> barriers, List<String> deadEnds, Optional<String> updateMetadata, Origin origin) {
    public Stream {
        barriers = List.copyOf(barriers);
        deadEnds = List.copyOf(deadEnds);
    }

    public boolean pinned() {
        return pin.isPresent();
    }
}
