package dev.strata.registry;

import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.blob.Blob;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts a base image's layers into the repository a derived image is pushed to, before jib-core builds
 * it. jib asks the target repository for each base layer and downloads every one it does not find there
 * (into its cache, to push it), so a build into a new repository would otherwise fetch the whole base;
 * with the layers in place, jib neither downloads nor uploads a base layer.
 * <ul>
 *   <li>Base in the same registry: a cross-repository blob mount
 *   ({@code POST /v2/<target>/blobs/uploads/?mount=<digest>&from=<base>}; 201 means mounted), which moves
 *   no layer bytes. A registry that declines (202) gets the layer streamed from the base repository.</li>
 *   <li>Base in another registry: a layer the target repository lacks is streamed from the base's registry
 *   into it (a download piped into the upload, never stored on disk). Once a layer is in the target
 *   registry, later images of the same run mount it from that repository instead of copying it again;
 *   images that need it at the same time wait for the one copy.</li>
 * </ul>
 * Requests go through jib-core's registry client, with the credentials, insecure registries and
 * retries of the rest of this package; up to {@value #AT_ONCE} layers of one base at a time, since each
 * mount is a round trip. One instance per run; thread-safe.
 */
public final class BaseBlobs {
    /** What placing one base took: layers mounted, copied (streamed) and already there, and the bytes copied. */
    public record Placed(int mounted, int copied, int present, long bytesCopied) {
        public int layers() {
            return mounted + copied + present;
        }
    }

    /** Hears how far placing a base got: layers done of all, and bytes copied so far. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, layers, bytes) -> { };

        void placed(int done, int layers, long bytesCopied);
    }

    private static final String USER_AGENT = "strata";
    static final int AT_ONCE = 8;

    private final Credentials credentials;
    private final Retry retry;
    private final RegistrySettings settings;
    private final Connections connections;
    /** "registry digest" -> a repository of that registry holding the blob, copied or found in this run. */
    private final ConcurrentHashMap<String, CompletableFuture<Repository>> copies = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "base-layers");
        t.setDaemon(true);
        return t;
    });

    /** @param connections the run's registry connections, left open */
    public BaseBlobs(Credentials credentials, Retry retry, RegistrySettings settings, Connections connections) {
        this.credentials = credentials;
        this.retry = retry;
        this.settings = settings;
        this.connections = connections;
    }

    /**
     * Makes every one of {@code layers} (the base's, from its manifest in {@code base}) present in {@code target}.
     *
     * @throws RegistryFailure when a layer cannot be put there (after retries for transient errors); the
     *     message names the layer, the registries and the repositories
     */
    public Placed place(Repository base, List<ImageLookup.Layer> layers, Repository target, Progress progress)
            throws RegistryFailure, InterruptedException {
        boolean sameRegistry = base.registry().equalsIgnoreCase(target.registry());
        Map<Outcome, AtomicInteger> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) counts.put(o, new AtomicInteger());
        AtomicInteger done = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Session s = new Session(base, target, bytes, done, layers.size(), progress);
        // Stripes of layers, each placed one after another by one thread.
        int stripes = Math.min(AT_ONCE, layers.size());
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < stripes; i++) {
            List<ImageLookup.Layer> mine = new ArrayList<>();
            for (int j = i; j < layers.size(); j += stripes) mine.add(layers.get(j));
            running.add(threads.submit(() -> {
                for (ImageLookup.Layer layer : mine) {
                    Outcome o = sameRegistry ? s.mount(layer, base) : s.fromElsewhere(layer);
                    counts.get(o).incrementAndGet();
                    progress.placed(done.incrementAndGet(), layers.size(), bytes.get());
                }
                return null;
            }));
        }
        RegistryFailure failure = null;
        try {
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure != null) continue;
                    if (e.getCause() instanceof RegistryFailure r) failure = r;
                    else if (e.getCause() instanceof InterruptedException i) throw i;
                    else throw new IllegalStateException("placing base layers failed unexpectedly", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            throw e;
        }
        if (failure != null) throw failure;
        return new Placed(counts.get(Outcome.MOUNTED).get(), counts.get(Outcome.COPIED).get(),
                counts.get(Outcome.PRESENT).get(), bytes.get());
    }

    private enum Outcome { MOUNTED, COPIED, PRESENT }

    /** The clients of one {@link #place} call: pushing to the target (one per mount source), pulling from the base. */
    private final class Session {
        private final Repository base;
        private final Repository target;
        private final AtomicLong bytes;
        private final AtomicInteger done;
        private final int layers;
        private final Progress progress;
        private final FailoverHttpClient targetHttp;
        private final FailoverHttpClient baseHttp;
        private final Map<String, RegistryClient> pushClients = new HashMap<>();
        private RegistryClient pullClient;

        Session(Repository base, Repository target, AtomicLong bytes, AtomicInteger done, int layers, Progress progress) {
            this.base = base;
            this.target = target;
            this.bytes = bytes;
            this.done = done;
            this.layers = layers;
            this.progress = progress;
            this.targetHttp = connections.client(settings.insecure(target));
            this.baseHttp = connections.client(settings.insecure(base));
        }

        /** A mount from {@code from} (same registry as the target); the base's bytes streamed in if the registry declines. */
        Outcome mount(ImageLookup.Layer layer, Repository from) throws RegistryFailure {
            return retry.run(() -> call(layer, () -> push(layer, Optional.of(from)) ? Outcome.MOUNTED : Outcome.COPIED));
        }

        /** A layer of a base in another registry: mounted from an earlier copy of this run, found, or copied. */
        Outcome fromElsewhere(ImageLookup.Layer layer) throws RegistryFailure, InterruptedException {
            String key = target.registry().toLowerCase(Locale.ROOT) + " " + layer.digest();
            CompletableFuture<Repository> mine = new CompletableFuture<>();
            CompletableFuture<Repository> first = copies.putIfAbsent(key, mine);
            if (first != null) {
                Optional<Repository> there = await(first);
                if (there.isPresent() && there.get().equals(target)) return Outcome.PRESENT;
                if (there.isPresent()) return mount(layer, there.get());
                // The first copy failed: copy it here, without making others wait for this one.
            }
            try {
                Outcome o = retry.run(() -> call(layer, () -> {
                    if (pushClient(Optional.empty()).checkBlob(digest(layer)).isPresent()) return Outcome.PRESENT;
                    push(layer, Optional.empty());
                    return Outcome.COPIED;
                }));
                if (first == null) mine.complete(target);
                return o;
            } catch (RegistryFailure | RuntimeException e) {
                if (first == null) {
                    copies.remove(key, mine);
                    mine.completeExceptionally(e);
                }
                throw e;
            }
        }

        /** Pushes the layer, mounting it from {@code from} when given; true when mounted (nothing was sent). */
        private boolean push(ImageLookup.Layer layer, Optional<Repository> from) throws IOException, RegistryException, RegistryFailure {
            DescriptorDigest digest = digest(layer);
            AtomicLong sent = new AtomicLong();
            try {
                return pushClient(from).pushBlob(digest, streamed(digest), from.map(Repository::path).orElse(null), n -> {
                    sent.addAndGet(n);
                    progress.placed(done.get(), layers, bytes.addAndGet(n));
                });
            } catch (IOException | RegistryException | RuntimeException e) {
                bytes.addAndGet(-sent.get()); // a retry sends the layer again
                throw e;
            }
        }

        /** The layer as jib's client uploads it: read from the base's registry while it is written, not before. */
        private Blob streamed(DescriptorDigest digest) {
            return Blobs.from(out -> {
                try {
                    pullClient().pullBlob(digest, size -> { }, n -> { }).writeTo(out);
                } catch (RegistryException | RegistryFailure e) {
                    throw new IOException(e.getMessage(), e);
                }
            }, false);
        }

        private synchronized RegistryClient pushClient(Optional<Repository> mountFrom) throws IOException, RegistryException, RegistryFailure {
            String key = mountFrom.map(Repository::path).orElse("");
            RegistryClient client = pushClients.get(key);
            if (client != null) return client;
            Optional<Credentials.Found> login = login(target);
            // A bearer token must also grant pull on the repository mounted from, or the mount is not tried.
            RegistryClient.Factory factory = mountFrom.isPresent()
                    ? RegistryClient.factory(EventHandlers.NONE, target.registry(), target.path(), key, targetHttp)
                    : RegistryClient.factory(EventHandlers.NONE, target.registry(), target.path(), targetHttp);
            client = factory.setUserAgent(USER_AGENT).setCredential(login.map(Credentials.Found::credential).orElse(null))
                    .newRegistryClient();
            if (!client.doPushBearerAuth() && login.isPresent() && !login.get().credential().isOAuth2RefreshToken()) {
                client.configureBasicAuth();
            }
            pushClients.put(key, client);
            return client;
        }

        private synchronized RegistryClient pullClient() throws IOException, RegistryException, RegistryFailure {
            if (pullClient != null) return pullClient;
            Optional<Credentials.Found> login = login(base);
            RegistryClient client = RegistryClient.factory(EventHandlers.NONE, base.registry(), base.path(), baseHttp)
                    .setUserAgent(USER_AGENT).setCredential(login.map(Credentials.Found::credential).orElse(null))
                    .newRegistryClient();
            if (!client.doPullBearerAuth() && login.isPresent() && !login.get().credential().isOAuth2RefreshToken()) {
                client.configureBasicAuth();
            }
            pullClient = client;
            return client;
        }

        private Optional<Credentials.Found> login(Repository repository) throws RegistryFailure {
            try {
                return credentials.find(repository.registry());
            } catch (Credentials.CredentialsException e) {
                throw new RegistryFailure(Resolution.Reason.CREDENTIALS, false, e.getMessage()
                        + " (needed for repository " + repository.path() + " on registry " + repository.host() + ")");
            }
        }

        /** One attempt, with what jib throws turned into a failure that names the layer, registries and repositories. */
        private Outcome call(ImageLookup.Layer layer, Attempt attempt) throws RegistryFailure {
            try {
                return attempt.run();
            } catch (IOException | RegistryException e) {
                Optional<Credentials.Found> login = Optional.empty();
                try {
                    login = credentials.find(target.registry());
                } catch (Credentials.CredentialsException ignored) {
                    // Reported when the client was made; here only used to mask the password.
                }
                RegistryFailure f = Failures.classify(e, new Failures.Context(target, layer.digest(), login, credentials.files()));
                throw new RegistryFailure(f.reason(), f.transientError(), "cannot put base layer " + layer.digest()
                        + " of " + base.name() + " into repository " + target.path() + " on registry " + target.host()
                        + ": " + f.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface Attempt {
        Outcome run() throws IOException, RegistryException, RegistryFailure;
    }

    private static DescriptorDigest digest(ImageLookup.Layer layer) throws RegistryFailure {
        try {
            return DescriptorDigest.fromDigest(layer.digest());
        } catch (java.security.DigestException e) {
            throw new RegistryFailure(Resolution.Reason.REGISTRY_ERROR, false, "the base manifest names a layer '"
                    + layer.digest() + "' that is not a sha256 digest");
        }
    }

    /** The repository another image's copy put a blob in; empty when that copy failed. */
    private static Optional<Repository> await(CompletableFuture<Repository> copy) throws InterruptedException {
        try {
            return Optional.of(copy.get());
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }
}
