package dev.strata.cli;

import dev.strata.plan.StreamResolution;
import dev.strata.reconcile.StreamSource;
import dev.strata.registry.RegistryStreamResolver;
import dev.strata.registry.Resolution;
import dev.strata.registry.Resolutions;
import dev.strata.registry.StreamResolver;
import dev.strata.spec.Fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Chooses how streams resolve for a run: the registry (through mirrors), or recorded digests offline. */
final class Streams {
    private Streams() {
    }

    static StreamSource forRun(RepoOptions options) {
        if (options.offline) return StreamSource.offline();
        return (fleet, recorded) -> {
            StreamResolver.Options o = StreamResolver.Options.online();
            for (Fleet.Mirror m : options.mirrors) o = o.withMirror(m);
            for (String host : options.insecureRegistries) o = o.withInsecureRegistry(host);
            Resolutions r = RegistryStreamResolver.standard().resolve(fleet.streams(), fleet.fleet(), o);
            List<String> notes = new ArrayList<>();
            for (Resolution.Failed f : r.failures()) notes.add(f.message());
            Map<String, StreamResolution> resolved = r.resolved();
            return new StreamSource.Resolved(resolved, notes);
        };
    }
}
