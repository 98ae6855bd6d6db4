package dev.strata.delivery;

import dev.strata.plan.MachineState;
import dev.strata.plan.Release;
import dev.strata.plan.Releases;
import dev.strata.spec.Fleet;
import dev.strata.spec.MachineGroup;
import dev.strata.spec.Stream;
import dev.strata.state.GraphPoll;
import dev.strata.state.StateTransaction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/graph} (docs/zincati.md): the graph for one machine of a zincati group, from Strata's own
 * decisions. A poll reads no table: the releases and release gates come from {@link GraphData}, reloaded
 * when the reconciled view changes or another process writes to the store, and rendered graphs are cached
 * per group, basearch and gate. What each poll says the machine booted is recorded in batches, a few times
 * a second, through delivery's group-commit writer.
 */
final class GraphService implements GraphEndpoint, AutoCloseable {
    static final String ENDPOINT = "graph";
    /** Without a change counter, how long loaded data is trusted. */
    private static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Small, frequent batches keep each write short, so polls never queue behind a long one. */
    private static final long FLUSH_MILLIS = 100;

    private final Core core;
    private volatile GraphData data;
    private final Map<String, GraphPoll> pending = new ConcurrentHashMap<>();
    /** Each machine's last poll since start, by what it said it booted (for status and /metrics). */
    private final Map<String, GraphPoll.Kind> lastPoll = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    GraphService(Core core) {
        this.core = core;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-graph-polls");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::background, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public Reply graph(String rawQuery, Optional<String> accept) {
        if (accept.isPresent() && !acceptsJson(accept.get())) {
            return core.counted(ENDPOINT, Reply.error(406, Kinds.NOT_ACCEPTABLE,
                    "the graph is application/json; send 'Accept: application/json' as Zincati does"));
        }
        GraphQuery q;
        try {
            q = GraphQuery.parse(rawQuery);
        } catch (GraphQuery.Invalid e) {
            return core.counted(ENDPOINT, e.reply);
        }
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return core.counted(ENDPOINT, Core.notReady());
        Optional<FleetIndex.Member> member = index.get().member(q.nodeUuid());
        if (member.isEmpty()) {
            core.recordUnknown(q.nodeUuid(), ENDPOINT);
            return core.counted(ENDPOINT, Reply.error(404, Kinds.UNKNOWN_MACHINE, "no group lists machine " + q.nodeUuid()
                    + "; add it to a zincati group's machines and reconcile"));
        }
        MachineGroup g = member.get().group().spec();
        if (!Releases.zincati(g)) {
            return core.counted(ENDPOINT, Reply.error(409, Kinds.NOT_ZINCATI, "machine " + q.nodeUuid() + " is in group " + g.name()
                    + ", which is delivered by " + g.delivery().value() + ", not Zincati"));
        }
        if (!q.group().equals(g.name())) {
            return core.counted(ENDPOINT, Reply.error(409, Kinds.UNKNOWN_GROUP, "machine " + q.nodeUuid() + " is in group "
                    + g.name() + ", not '" + q.group() + "'; set group = \"" + g.name() + "\" under [identity] in its Zincati"
                    + " configuration (strata machine-config prints it)"));
        }
        Optional<String> reported = Releases.platformOf(q.basearch()).map(p -> p.split("/")[1]).or(() -> Optional.of(q.basearch()));
        Optional<Reply> mismatch = Platforms.mismatch(member.get().machine(), reported,
                "Zincati reports basearch " + q.basearch());
        if (mismatch.isPresent()) return core.counted(ENDPOINT, mismatch.get());
        GraphData d;
        try {
            d = current(index.get());
        } catch (RuntimeException e) {
            core.events.storeFailed(e);
            return core.counted(ENDPOINT, Reply.error(500, Kinds.INTERNAL_ERROR, "the state store failed; see the server log"));
        }
        Optional<Release> booted = d.release(g.name(), q.osChecksum());
        Optional<UpdateGraph.StockBase> stock = booted.isPresent() || !q.oci() ? Optional.empty()
                : stockBase(index.get().view().fleet(), g, q);
        GraphPoll.Kind kind = booted.isPresent() ? GraphPoll.Kind.RELEASE
                : stock.isPresent() ? GraphPoll.Kind.STOCK_BASE : GraphPoll.Kind.UNKNOWN_PAYLOAD;
        // What is kept per machine beyond the next flush refers only to strings the index and the loaded releases
        // already hold (the member's id, the release's digest), so a poll leaves nothing new alive: with 100,000
        // machines polling, every retained copy would be copied by each young collection and then promoted,
        // and those copies made the collector's pauses (tens of ms) the graph's tail latency (docs/benchmarks.md).
        String id = member.get().machine().id();
        String payload = booted.map(r -> r.payloads().get(q.basearch())).filter(q.osChecksum()::equals).orElse(q.osChecksum());
        observe(new GraphPoll(id, g.name(), core.clock.instant(), q.basearch(), q.osVersion(), payload, kind,
                booted.map(r -> OptionalLong.of(r.ageIndex())).orElse(OptionalLong.empty())), booted);
        Optional<Long> gate = d.gate(g.name(), q.nodeUuid());
        if (q.oci() && kind == GraphPoll.Kind.UNKNOWN_PAYLOAD) return core.counted(ENDPOINT, unknownPayload(q, g, d, gate));
        // A machine still booted from ostree (not a container image) cannot be moved by an OCI graph: no nodes.
        if (!q.oci()) return core.counted(ENDPOINT, Reply.ok("{\"nodes\":[],\"edges\":[]}"));
        if (stock.isPresent()) {
            return core.counted(ENDPOINT, Reply.ok(UpdateGraph.of(d.releases(g.name()), q.basearch(), gate, stock).json()));
        }
        String key = g.name() + "\u0000" + q.basearch() + "\u0000" + gate.map(String::valueOf).orElse("-");
        return core.counted(ENDPOINT, Reply.ok(d.rendered(key,
                () -> UpdateGraph.of(d.releases(g.name()), q.basearch(), gate, Optional.empty()).json())));
    }

    /**
     * A machine booted from an image Strata never published for its group (a hand rebase, an image built
     * elsewhere, another group's release) gets an error, not an edge: moving it would undo what a person did
     * on purpose, and rpm-ostree refuses the move anyway when that image is newer. Zincati logs the error on
     * every poll and stays where it is; status and metrics show the machine until a person moves it.
     */
    private static Reply unknownPayload(GraphQuery q, MachineGroup g, GraphData d, Optional<Long> gate) {
        Optional<String> back = gate.flatMap(age -> d.releases(g.name()).stream().filter(r -> r.ageIndex() == age).findFirst())
                .flatMap(r -> Optional.ofNullable(r.payloads().get(q.basearch())));
        return Reply.error(409, Kinds.UNKNOWN_PAYLOAD, "machine " + q.nodeUuid() + " booted " + q.osChecksum() + ", which is no release"
                + " of group " + g.name() + " and not its stream's base; Strata does not move a machine off an image it did not"
                + " publish: " + back.map(p -> "rebase it by hand with 'rpm-ostree rebase ostree-unverified-registry:" + p + "'")
                .orElse("once its wave is released, rebase it by hand to the release strata status shows")
                + " and Zincati follows the graph again");
    }

    static boolean acceptsJson(String accept) {
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (type.equals("application/json") || type.equals("application/*") || type.equals("*/*") || type.isEmpty()) return true;
        }
        return false;
    }

    /**
     * A stock FCOS machine not yet on a derived image (docs/zincati.md, onboarding): its booted payload is in
     * the repository of the stream its group's image is built on (or that repository's mirror), by digest.
     */
    static Optional<UpdateGraph.StockBase> stockBase(dev.strata.spec.FleetSpec fleet, MachineGroup g, GraphQuery q) {
        Optional<Stream> stream = Releases.rootStream(fleet, g.image());
        int at = q.osChecksum().indexOf("@sha256:");
        if (stream.isEmpty() || at < 0 || !q.osChecksum().substring(at + 8).matches("[0-9a-f]{64}")) return Optional.empty();
        String repo = q.osChecksum().substring(0, at);
        for (String candidate : stockRepositories(fleet.fleet(), stream.get())) {
            if (candidate.equals(repo)) {
                return Optional.of(new UpdateGraph.StockBase(q.osVersion(), q.osChecksum(), stream.get().barriers()));
            }
        }
        return Optional.empty();
    }

    /** The stream's repository as Zincati writes it, and as each mirror that applies rewrites it. */
    static List<String> stockRepositories(Fleet fleet, Stream stream) {
        List<String> out = new ArrayList<>();
        String origin = Payloads.normalize(stream.image());
        out.add(origin);
        for (Fleet.Mirror m : fleet.mirrors()) {
            String from = Payloads.normalize(m.from());
            if (origin.equals(from) || origin.startsWith(from + "/")) {
                out.add(Payloads.normalize(m.to().replaceAll("/+$", "") + origin.substring(from.length())));
            }
        }
        return out;
    }

    /**
     * The data for this view. Requests never wait for the store, except right after a new view: whether
     * another process wrote is checked by the background thread, between its batches of writes.
     */
    private GraphData current(FleetIndex index) {
        GraphData d = data;
        if (d != null && d.view == index) return d;
        synchronized (this) {
            d = data;
            if (d != null && d.view == index) return d;
            return reload(index);
        }
    }

    private GraphData reload(FleetIndex index) {
        long version = core.store.externalChanges().orElse(-1);
        GraphData d = core.store.read(r -> GraphData.load(r, index, version, System.nanoTime()));
        data = d;
        return d;
    }

    /** The background thread: writes queued polls, then reloads the data when another process wrote. */
    private void background() {
        flush();
        GraphData d = data;
        if (d == null) return;
        try {
            long now = System.nanoTime();
            java.util.OptionalLong external = core.store.externalChanges();
            boolean stale = external.isPresent() ? external.getAsLong() != d.externalVersion : now - d.loadedAtNanos > RELOAD_NANOS;
            if (!stale) return;
            synchronized (this) {
                if (data == d) reload((FleetIndex) d.view);
            }
        } catch (RuntimeException e) {
            core.events.storeFailed(e);
        }
    }

    /** Queues the poll (a later poll of the same machine replaces it); the flusher writes it. */
    private void observe(GraphPoll poll, Optional<Release> booted) {
        pending.put(poll.machineId(), poll);
        String digest = booted.map(Release::imageDigest).orElse(digestOf(poll.payload()));
        // Replacing an equal value would still keep the new string alive: keep the one already there.
        bootedDigests.compute(poll.machineId(), (k, was) -> digest.equals(was) ? was : digest);
        lastPoll.put(poll.machineId(), poll.kind());
    }

    private final Map<String, String> bootedDigests = new ConcurrentHashMap<>();

    /** The digest in a payload {@code repo@sha256:...}; an ostree checksum as it is. */
    static String digestOf(String payload) {
        int at = payload.indexOf('@');
        return at < 0 ? payload : payload.substring(at + 1);
    }

    /** Writes the queued polls in one transaction: each machine's booted image, and its last poll. */
    void flush() {
        if (pending.isEmpty()) return;
        List<GraphPoll> batch = new ArrayList<>();
        Map<String, String> digests = new HashMap<>();
        for (String id : List.copyOf(pending.keySet())) {
            GraphPoll p = pending.remove(id);
            if (p == null) continue;
            batch.add(p);
            digests.put(id, bootedDigests.getOrDefault(id, digestOf(p.payload())));
        }
        if (batch.isEmpty()) return;
        try {
            List<String> booted = batch.stream().map(p -> digests.get(p.machineId())).toList();
            core.queue.submit(tx -> {
                tx.recordGraphPolls(batch, booted);
                return null;
            }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            core.events.storeFailed(e);
        }
    }

    /** Machines by what their last poll (since this server started) said they booted. */
    Map<GraphPoll.Kind, Long> pollKinds() {
        Map<GraphPoll.Kind, Long> out = new java.util.EnumMap<>(GraphPoll.Kind.class);
        for (GraphPoll.Kind k : GraphPoll.Kind.values()) out.put(k, 0L);
        lastPoll.values().forEach(k -> out.merge(k, 1L, Long::sum));
        return out;
    }

    /**
     * Per zincati group of the current view, its machines whose last poll since this server started named a
     * payload Strata never published for the group (0 for none), for /metrics.
     */
    Map<String, Long> unknownPayloads() {
        Map<String, Long> out = new java.util.TreeMap<>();
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return out;
        for (MachineGroup g : index.get().view().fleet().groups()) if (Releases.zincati(g)) out.put(g.name(), 0L);
        for (Map.Entry<String, GraphPoll.Kind> p : lastPoll.entrySet()) {
            if (p.getValue() != GraphPoll.Kind.UNKNOWN_PAYLOAD) continue;
            Optional<FleetIndex.Member> m = index.get().member(p.getKey());
            // Counted under the group that lists the machine now, and only while it still does.
            if (m.isPresent() && out.containsKey(m.get().group().spec().name())) out.merge(m.get().group().spec().name(), 1L, Long::sum);
        }
        return out;
    }

    /** Writes what is queued, then stops the flusher. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
