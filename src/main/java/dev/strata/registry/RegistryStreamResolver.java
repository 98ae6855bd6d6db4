package dev.strata.registry;

import dev.strata.plan.StreamResolution;
import dev.strata.spec.Fleet;
import dev.strata.spec.Stream;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link StreamResolver} against real registries, with jib-core's registry client. Each followed
 * stream's repository goes through the mirrors, is reached over verified HTTPS unless its registry is
 * listed as insecure, and is asked anonymously first and with the credentials {@link Credentials} finds
 * when the registry wants them. Transient errors are retried as {@link Retry} says.
 */
public final class RegistryStreamResolver implements StreamResolver {
    private final Credentials credentials;
    private final Retry retry;

    public RegistryStreamResolver(Credentials credentials, Retry retry) {
        this.credentials = credentials;
        this.retry = retry;
    }

    /** Credentials from this user's docker and podman auth files; the standard retry policy. */
    public static RegistryStreamResolver standard() {
        return new RegistryStreamResolver(Credentials.fromSystem(), Retry.standard());
    }

    @Override
    public Resolutions resolve(List<Stream> streams, Fleet fleet, Options options) {
        RegistrySettings settings = RegistrySettings.of(fleet, options.mirrors(), options.insecureRegistries());
        Map<String, Resolution> out = new TreeMap<>();
        ManifestLookup lookup = null;
        try {
            for (Stream s : streams) {
                if (s.pinned() || options.offline()) {
                    out.put(s.name(), withoutNetwork(s, options));
                    continue;
                }
                if (lookup == null) lookup = new ManifestLookup(credentials);
                out.put(s.name(), followed(s, settings, lookup));
            }
        } finally {
            if (lookup != null) lookup.close();
        }
        return new Resolutions(new TreeMap<>(out));
    }

    private static Resolution withoutNetwork(Stream s, Options options) {
        if (s.pinned()) {
            return new Resolution.Resolved(new StreamResolution(s.name(), s.pin().get(), s.version(),
                    StreamResolution.Source.PIN), s.image() + "@" + s.pin().get(), Map.of());
        }
        String reference = s.image() + ":" + s.tag().orElse("?");
        StreamResolution recorded = options.recorded().get(s.name());
        if (recorded == null) {
            return new Resolution.Failed(s.name(), reference, Resolution.Reason.NOT_RECORDED, "stream " + s.name()
                    + " (" + reference + ") has no recorded digest to use offline: run once without --offline"
                    + " to record one, or pin the stream");
        }
        return new Resolution.Resolved(new StreamResolution(s.name(), recorded.digest(), recorded.version(),
                StreamResolution.Source.RECORDED), "recorded digest (offline)", Map.of());
    }

    private Resolution followed(Stream s, RegistrySettings settings, ManifestLookup lookup) {
        Optional<String> tag = s.tag();
        if (tag.isEmpty()) {
            return new Resolution.Failed(s.name(), s.image(), Resolution.Reason.INVALID, "stream " + s.name()
                    + " follows " + s.image() + " but names no tag: give it a tag to follow, or a pin");
        }
        Repository origin;
        Repository pulled;
        try {
            origin = Repository.parse(s.image());
            pulled = Repository.parse(settings.mirrors().rewrite(origin.name()));
        } catch (IllegalArgumentException e) {
            return new Resolution.Failed(s.name(), s.image() + ":" + tag.get(), Resolution.Reason.INVALID,
                    "stream " + s.name() + ": " + e.getMessage());
        }
        String reference = pulled.withTag(tag.get());
        String via = pulled.equals(origin) ? "" : " (mirror of " + origin.withTag(tag.get()) + ")";
        boolean insecure = settings.insecure(pulled);
        try {
            ManifestLookup.Found found = retry.run(() -> lookup.lookup(pulled, tag.get(), insecure));
            return new Resolution.Resolved(new StreamResolution(s.name(), found.digest(), found.version(),
                    StreamResolution.Source.REGISTRY), reference + via, found.platforms());
        } catch (RegistryFailure f) {
            return new Resolution.Failed(s.name(), reference, f.reason(),
                    "stream " + s.name() + via + ": " + f.getMessage());
        }
    }
}
