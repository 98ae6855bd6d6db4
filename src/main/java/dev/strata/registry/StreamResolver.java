package dev.strata.registry;

import dev.strata.plan.StreamResolution;
import dev.strata.spec.Fleet;
import dev.strata.spec.Stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolves base image streams to digests. A pinned stream is its pin, with no network. A followed
 * stream's tag is asked of its registry (through the mirrors), unless the run is offline: then the
 * digest recorded by an earlier run is used, or the stream fails as not recorded.
 *
 * <p>Expected failures (unreachable registry, refused credentials, missing tag) are returned as
 * {@link Resolution.Failed} values, one per stream; the other streams still resolve.
 */
public interface StreamResolver {

    Resolutions resolve(List<Stream> streams, Fleet fleet, Options options);

    /**
     * What one run adds to the Fleet's settings. {@code offline} uses only {@code recorded} (the
     * state store's last digests, by stream name); {@code mirrors} ({@code --mirror FROM=TO}) come
     * before the Fleet's; {@code insecureRegistries} ({@code --insecure-registry HOST[:PORT]}) add to the
     * Fleet's list of registries that may be reached over plain HTTP.
     */
    record Options(boolean offline, Map<String, StreamResolution> recorded, List<Fleet.Mirror> mirrors,
                   List<String> insecureRegistries) {
        public Options {
            recorded = Map.copyOf(new TreeMap<>(recorded));
            mirrors = List.copyOf(mirrors);
            insecureRegistries = List.copyOf(insecureRegistries);
        }

        /** Ask the registries, with the Fleet's settings only. */
        public static Options online() {
            return new Options(false, Map.of(), List.of(), List.of());
        }

        /** Ask no registry: followed streams take their {@code recorded} digests. */
        public static Options offline(Map<String, StreamResolution> recorded) {
            return new Options(true, recorded, List.of(), List.of());
        }

        public Options withMirror(Fleet.Mirror mirror) {
            List<Fleet.Mirror> more = new ArrayList<>(mirrors);
            more.add(mirror);
            return new Options(offline, recorded, more, insecureRegistries);
        }

        public Options withInsecureRegistry(String host) {
            List<String> more = new ArrayList<>(insecureRegistries);
            more.add(host);
            return new Options(offline, recorded, mirrors, more);
        }
    }
}
