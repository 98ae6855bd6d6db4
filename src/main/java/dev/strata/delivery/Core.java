package dev.strata.delivery;

import dev.strata.state.StateStore;
import dev.strata.state.StateTransaction;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the FleetLock and machine services share: the store and its write queue, the clock, the indexed view, counters. */
final class Core {
    /** At most this many unknown ids are kept, so made-up ids cannot grow the state file without bound. */
    static final long UNKNOWN_LIMIT = 10_000;
    private static final long WAIT_SECONDS = 60;

    final StateStore store;
    final Clock clock;
    final DeliveryEvents events;
    final WriteQueue queue;
    final AtomicLong reportsAccepted = new AtomicLong();
    private final Supplier<Optional<DesiredView>> views;
    private final Map<String, Map<String, LongAdder>> replies = new ConcurrentHashMap<>();
    private volatile FleetIndex index;

    Core(StateStore store, Clock clock, Supplier<Optional<DesiredView>> views, DeliveryEvents events) {
        this.store = store;
        this.clock = clock;
        this.views = views;
        this.events = events;
        this.queue = new WriteQueue(store, events);
    }

    /** The index of the current view, rebuilt only when the view changes; empty before the first reconcile. */
    Optional<FleetIndex> index() {
        Optional<DesiredView> view = views.get();
        if (view.isEmpty()) return Optional.empty();
        FleetIndex i = index;
        if (i != null && i.view() == view.get()) return Optional.of(i);
        synchronized (this) {
            i = index;
            if (i == null || i.view() != view.get()) {
                i = FleetIndex.of(view.get());
                index = i;
            }
            return Optional.of(i);
        }
    }

    /** Runs {@code work} in the next group commit and answers once it is durable. */
    Reply write(String endpoint, Function<? super StateTransaction, Reply> work) {
        return counted(endpoint, await(queue.submit(work)));
    }

    /** Notes an unknown id; nobody waits for it. */
    void recordUnknown(String id, String endpoint) {
        queue.submit(tx -> tx.recordUnknownMachine(id, endpoint, clock.instant(), UNKNOWN_LIMIT));
    }

    Reply counted(String endpoint, Reply reply) {
        String kind = reply.success() ? "ok" : kindOf(reply);
        replies.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>()).computeIfAbsent(kind, k -> new LongAdder()).increment();
        return reply;
    }

    Map<String, Map<String, Long>> replies() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        replies.forEach((endpoint, kinds) -> {
            Map<String, Long> counts = new TreeMap<>();
            kinds.forEach((k, n) -> counts.put(k, n.sum()));
            out.put(endpoint, Map.copyOf(counts));
        });
        return out;
    }

    static Reply notReady() {
        return Reply.error(503, Kinds.NOT_READY, "strata serve has no reconciled revision yet; retry shortly");
    }

    private Reply await(CompletableFuture<Reply> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WriteQueue.ShuttingDownException) {
                return Reply.error(503, Kinds.SHUTTING_DOWN, "strata serve is stopping; retry shortly");
            }
            return Reply.error(500, Kinds.INTERNAL_ERROR, "the state store failed; see the server log");
        } catch (TimeoutException e) {
            return Reply.error(500, Kinds.INTERNAL_ERROR, "the state store did not answer within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.error(503, Kinds.SHUTTING_DOWN, "strata serve is stopping; retry shortly");
        }
    }

    /** The kind of an error reply; the body is always {@code {"kind":"...","value":...}}. */
    private static String kindOf(Reply reply) {
        String json = reply.json();
        int start = json == null ? -1 : json.indexOf("\"kind\":\"");
        if (start < 0) return "http_" + reply.status();
        int from = start + 8;
        int end = json.indexOf('"', from);
        return end < 0 ? "http_" + reply.status() : json.substring(from, end);
    }
}
