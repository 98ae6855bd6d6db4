package dev.strata.registry;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Pushes an OCI image index over manifests already in a repository (a multi-arch image: one manifest per
 * platform, docs/build.md). jib-core 0.28 writes only Docker manifest lists, so Strata writes the index
 * itself: manifests in the order given, no annotations, so the same manifests give the same index digest.
 */
public final class ImageIndexPush implements AutoCloseable {
    static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";

    /** One platform's manifest: {@code platform} as {@code os/arch[/variant]}, {@code digest} its manifest digest. */
    public record Entry(String platform, String digest) {
    }

    private final Credentials credentials;
    private final Connections connections;
    private final Retry retry;

    public ImageIndexPush(Credentials credentials, Retry retry, Connections connections) {
        this.credentials = credentials;
        this.retry = retry;
        this.connections = connections;
    }

    /**
     * Pushes the index of {@code entries} to every tag of {@code tags} in {@code repository}; returns its digest.
     *
     * @throws RegistryFailure when a manifest is missing, or the registry refuses or cannot be reached
     */
    public String push(Repository repository, List<Entry> entries, List<String> tags, boolean insecure) throws RegistryFailure {
        if (entries.isEmpty() || tags.isEmpty()) throw new IllegalArgumentException("an index needs manifests and a tag");
        return retry.run(() -> once(repository, entries, tags, insecure));
    }

    private String once(Repository repository, List<Entry> entries, List<String> tags, boolean insecure)
            throws RegistryFailure {
        FailoverHttpClient http = connections.client(insecure);
        Optional<Credentials.Found> login = Optional.empty();
        String tag = tags.get(0);
        try {
            RegistryClient client = client(repository, http, login);
            try {
                return pushAll(client, repository, entries, tags);
            } catch (RegistryUnauthorizedException refused) {
                login = login(repository, tag);
                client = client(repository, http, login);
                if (!client.doPushBearerAuth()) {
                    if (login.isEmpty()) throw refused;
                    client.configureBasicAuth();
                }
                return pushAll(client, repository, entries, tags);
            }
        } catch (IOException | RegistryException e) {
            throw Failures.classify(e, new Failures.Context(repository, tag, login, credentials.files()));
        }
    }

    private static String pushAll(RegistryClient client, Repository repository, List<Entry> entries, List<String> tags)
            throws IOException, RegistryException, RegistryFailure {
        Index index = new Index();
        for (Entry e : entries) index.manifests.add(descriptor(client, repository, e));
        String digest = null;
        for (String tag : tags) digest = client.pushManifest(index, tag).toString();
        return digest;
    }

    /** The manifest's media type and size, read back: jib's templates encode a manifest to its own bytes. */
    private static Descriptor descriptor(RegistryClient client, Repository repository, Entry e)
            throws IOException, RegistryException, RegistryFailure {
        ManifestAndDigest<ManifestTemplate> m = client.pullManifest(e.digest());
        if (!(m.getManifest() instanceof BuildableManifestTemplate image)) {
            throw new RegistryFailure(Resolution.Reason.REGISTRY_ERROR, false, "manifest " + e.digest() + " of platform "
                    + e.platform() + " in repository " + repository.path() + " on registry " + repository.host()
                    + " is not an image manifest");
        }
        byte[] bytes = JsonTemplateMapper.toByteArray(image);
        if (!("sha256:" + sha256(bytes)).equals(e.digest())) {
            throw new RegistryFailure(Resolution.Reason.REGISTRY_ERROR, false, "manifest " + e.digest() + " of platform "
                    + e.platform() + " in repository " + repository.path() + " on registry " + repository.host()
                    + " is not one Strata wrote (its bytes do not re-encode to its digest); build it again");
        }
        String[] p = e.platform().split("/");
        return new Descriptor(image.getManifestMediaType(), e.digest(), bytes.length,
                new Platform(p[1], p[0], p.length > 2 ? p[2] : null));
    }

    private Optional<Credentials.Found> login(Repository repository, String tag) throws RegistryFailure {
        try {
            return credentials.find(repository.registry());
        } catch (Credentials.CredentialsException e) {
            throw new RegistryFailure(Resolution.Reason.CREDENTIALS, false, e.getMessage() + " (needed to push "
                    + repository.withTag(tag) + ")");
        }
    }

    private static RegistryClient client(Repository repository, FailoverHttpClient http, Optional<Credentials.Found> login) {
        return RegistryClient.factory(EventHandlers.NONE, repository.registry(), repository.path(), http)
                .setUserAgent("strata")
                .setCredential(login.map(Credentials.Found::credential).orElse(null))
                .newRegistryClient();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // The connections are the run's; nothing of its own to close.
    }

    /** The index as it is written: fields in this order, a platform's variant only when it has one. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE)
    @JsonPropertyOrder({"schemaVersion", "mediaType", "manifests"})
    static final class Index implements ManifestTemplate {
        private final int schemaVersion = 2;
        private final String mediaType = INDEX_MEDIA_TYPE;
        private final List<Descriptor> manifests = new ArrayList<>();

        @Override
        public int getSchemaVersion() {
            return schemaVersion;
        }

        @Override
        public String getManifestMediaType() {
            return mediaType;
        }
    }

    @JsonPropertyOrder({"mediaType", "digest", "size", "platform"})
    record Descriptor(String mediaType, String digest, long size, Platform platform) {
    }

    @JsonPropertyOrder({"architecture", "os", "variant"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Platform(String architecture, String os, String variant) {
    }
}
