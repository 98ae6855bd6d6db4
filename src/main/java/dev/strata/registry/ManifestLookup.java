package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.image.json.OciIndexTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestListTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a registry which manifest a tag names, with jib-core's registry client: anonymously first, and
 * with the credentials for the registry when it asks for them (basic or bearer, as its
 * {@code WWW-Authenticate} says), as jib does for base images.
 */
final class ManifestLookup implements AutoCloseable {
    static final String VERSION_LABEL = "org.opencontainers.image.version";
    private static final String USER_AGENT = "strata";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A tag's manifest digest; per-platform digests for an index; the version label, the created time
     * and all labels of the image's config, and the image's layers, when they could be read.
     */
    record Found(String digest, Map<String, String> platforms, Optional<String> version, Optional<Instant> created,
                 Map<String, String> labels, List<ImageLookup.Layer> layers) {
    }

    /** What an image's manifest and config say, as far as Strata reads them. */
    private record Config(Optional<Instant> created, Map<String, String> labels, List<ImageLookup.Layer> layers) {
        static final Config NONE = new Config(Optional.empty(), Map.of(), List.of());

        Optional<String> version() {
            return Optional.ofNullable(labels.get(VERSION_LABEL)).filter(v -> !v.isBlank());
        }
    }

    private final Credentials credentials;
    private final Connections connections;
    private final boolean ownConnections;

    ManifestLookup(Credentials credentials) {
        this(credentials, new Connections(), true);
    }

    /** A lookup on shared connections, which it leaves open. */
    ManifestLookup(Credentials credentials, Connections connections) {
        this(credentials, connections, false);
    }

    private ManifestLookup(Credentials credentials, Connections connections, boolean ownConnections) {
        this.credentials = credentials;
        this.connections = connections;
        this.ownConnections = ownConnections;
    }

    /** One attempt: the digest {@code tag} names in {@code repository}. */
    Found lookup(Repository repository, String tag, boolean insecure) throws RegistryFailure {
        FailoverHttpClient http = connections.client(insecure);
        Optional<Credentials.Found> login = Optional.empty();
        try {
            RegistryClient anonymous = client(repository, http, login);
            try {
                return found(anonymous, manifest(anonymous, repository, tag, login));
            } catch (RegistryUnauthorizedException refused) {
                login = login(repository, tag);
                RegistryClient client = client(repository, http, login);
                String challenge = refused.getHttpResponseException().getHeaders().getAuthenticate();
                if (challenge != null) {
                    client.authPullByWwwAuthenticate(challenge);
                } else if (login.isPresent() && !login.get().credential().isOAuth2RefreshToken()) {
                    client.configureBasicAuth();
                } else {
                    throw refused;
                }
                return found(client, manifest(client, repository, tag, login));
            }
        } catch (IOException | RegistryException e) {
            throw Failures.classify(e, new Failures.Context(repository, tag, login, credentials.files()));
        }
    }

    private Optional<Credentials.Found> login(Repository repository, String tag) throws RegistryFailure {
        try {
            return credentials.find(repository.registry());
        } catch (Credentials.CredentialsException e) {
            throw new RegistryFailure(Resolution.Reason.CREDENTIALS, false, e.getMessage() + " (needed for "
                    + repository.withTag(tag) + ")");
        }
    }

    private static RegistryClient client(Repository repository, FailoverHttpClient http, Optional<Credentials.Found> login) {
        return RegistryClient.factory(EventHandlers.NONE, repository.registry(), repository.path(), http)
                .setUserAgent(USER_AGENT)
                .setCredential(login.map(Credentials.Found::credential).orElse(null))
                .newRegistryClient();
    }

    private static ManifestAndDigest<ManifestTemplate> manifest(RegistryClient client, Repository repository, String tag,
                                                                Optional<Credentials.Found> login)
            throws IOException, RegistryException, RegistryFailure {
        Optional<ManifestAndDigest<ManifestTemplate>> m = client.checkManifest(tag);
        if (m.isEmpty()) {
            throw Failures.tagNotFound(new Failures.Context(repository, tag, login, List.of()));
        }
        return m.get();
    }

    private static Found found(RegistryClient client, ManifestAndDigest<ManifestTemplate> m) {
        Map<String, String> platforms = platforms(m.getManifest());
        Config config = config(client, m.getManifest(), platforms);
        return new Found(m.getDigest().toString(), platforms, config.version(), config.created(), config.labels(),
                config.layers());
    }

    private static Map<String, String> platforms(ManifestTemplate manifest) {
        Map<String, String> out = new LinkedHashMap<>();
        if (manifest instanceof OciIndexTemplate index) {
            for (OciIndexTemplate.ManifestDescriptorTemplate d : index.getManifests()) {
                if (d.getPlatform() != null && d.getDigest() != null) {
                    out.putIfAbsent(d.getPlatform().getOs() + "/" + d.getPlatform().getArchitecture(), d.getDigest().toString());
                }
            }
        } else if (manifest instanceof V22ManifestListTemplate list) {
            for (V22ManifestListTemplate.ManifestDescriptorTemplate d : list.getManifests()) {
                if (d.getPlatform() != null && d.getDigest() != null) {
                    out.putIfAbsent(d.getPlatform().getOs() + "/" + d.getPlatform().getArchitecture(), d.getDigest());
                }
            }
        }
        out.remove("unknown/unknown"); // attestation manifests, not images
        return out;
    }

    /**
     * The image's layers and config (for an index, the linux/amd64 image's, as jib-core picks by default,
     * or else the first's): its created time and labels. Best effort: any failure leaves them out.
     */
    private static Config config(RegistryClient client, ManifestTemplate manifest, Map<String, String> platforms) {
        try {
            ManifestTemplate image = manifest;
            if (!platforms.isEmpty()) {
                String digest = platforms.getOrDefault("linux/amd64", platforms.values().iterator().next());
                image = client.pullManifest(digest).getManifest();
            }
            if (!(image instanceof BuildableManifestTemplate buildable) || buildable.getContainerConfiguration() == null) {
                return Config.NONE;
            }
            List<ImageLookup.Layer> layers = new java.util.ArrayList<>();
            for (BuildableManifestTemplate.ContentDescriptorTemplate l : buildable.getLayers()) {
                if (l.getDigest() != null) layers.add(new ImageLookup.Layer(l.getDigest().toString(), l.getSize()));
            }
            DescriptorDigest config = buildable.getContainerConfiguration().getDigest();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            client.pullBlob(config, size -> { }, written -> { }).writeTo(bytes);
            JsonNode root = JSON.readTree(bytes.toByteArray());
            Map<String, String> labels = new java.util.TreeMap<>();
            root.path("config").path("Labels").fields().forEachRemaining(f -> {
                if (f.getValue().isTextual()) labels.put(f.getKey(), f.getValue().asText());
            });
            Optional<Instant> created = Optional.empty();
            if (root.path("created").isTextual()) {
                try {
                    created = Optional.of(java.time.OffsetDateTime.parse(root.path("created").asText()).toInstant());
                } catch (java.time.format.DateTimeParseException e) {
                    // Left out, as an unreadable time.
                }
            }
            return new Config(created, labels, layers);
        } catch (IOException | RegistryException | RuntimeException e) {
            return Config.NONE;
        }
    }

    @Override
    public void close() {
        if (ownConnections) connections.close();
    }
}
