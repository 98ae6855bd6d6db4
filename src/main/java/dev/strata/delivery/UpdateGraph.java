package dev.strata.delivery;

import dev.strata.plan.Release;
import dev.strata.plan.Versions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Cincinnati graph one machine of a zincati group sees (docs/zincati.md), built the way the FCOS graph
 * builder builds it (protocols.md section 2), with two differences:
 * <ul>
 *   <li>Which edges a machine sees is Strata's decision, not the client's wariness: only edges into releases
 *   no newer than the one the planner released it for ({@code gate}).</li>
 *   <li>A dead end gets no incoming edges but keeps its outgoing ones: FCOS strands a dead end's machines for a
 *   person to rescue, Strata publishes a newer release and moves them on to it.</li>
 * </ul>
 * Nodes are the group's releases that have a payload for the machine's basearch, oldest first; a stock base
 * (an FCOS machine not yet on a derived image) comes first, at age index 0.
 */
public record UpdateGraph(List<Node> nodes, List<long[]> edges) {
    public static final String SCHEME = "org.fedoraproject.coreos.scheme";
    public static final String AGE_INDEX = "org.fedoraproject.coreos.releases.age_index";
    public static final String BARRIER = "org.fedoraproject.coreos.updates.barrier";
    public static final String BARRIER_REASON = "org.fedoraproject.coreos.updates.barrier_reason";
    public static final String DEADEND = "org.fedoraproject.coreos.updates.deadend";
    public static final String DEADEND_REASON = "org.fedoraproject.coreos.updates.deadend_reason";

    public UpdateGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A node as Zincati reads it: every metadata value a string. */
    public record Node(String version, String payload, Map<String, String> metadata) {
        public Node {
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        public long ageIndex() {
            return Long.parseLong(metadata.get(AGE_INDEX));
        }
    }

    /**
     * The stock FCOS release a machine booted before its first derived image: its own payload and version,
     * and the stream's barriers, which it must not jump.
     */
    public record StockBase(String version, String payload, List<String> streamBarriers) {
        public StockBase {
            streamBarriers = List.copyOf(streamBarriers);
        }
    }

    /**
     * The graph for a machine released up to {@code gate} (an age index; empty: not released for anything, so
     * no edges), on {@code basearch}.
     */
    public static UpdateGraph of(List<Release> releases, String basearch, Optional<Long> gate, Optional<StockBase> base) {
        List<Node> nodes = new ArrayList<>();
        List<Release> served = new ArrayList<>();
        base.ifPresent(b -> nodes.add(new Node(b.version(), b.payload(), Map.of(SCHEME, "oci", AGE_INDEX, "0"))));
        for (Release r : releases.stream().sorted(Comparator.comparingLong(Release::ageIndex)).toList()) {
            String payload = r.payloads().get(basearch);
            if (payload == null) continue; // as FCOS does: a release without this architecture is not a node
            served.add(r);
            nodes.add(node(r, payload));
        }
        List<long[]> edges = new ArrayList<>();
        if (gate.isEmpty()) return new UpdateGraph(nodes, edges);
        int offset = base.isPresent() ? 1 : 0;
        for (int j = 0; j < served.size(); j++) {
            Release target = served.get(j);
            if (target.deadEnd().isPresent() || target.ageIndex() > gate.get()) continue;
            int to = j + offset;
            int from = 0;
            for (int k = j - 1; k >= 0; k--) {
                if (served.get(k).barrier().isPresent()) {
                    from = k + offset;
                    break;
                }
            }
            if (base.isPresent() && from > 0 && !jumpsBarrier(base.get(), target) && passedBarriersBefore(base.get(), served, j)) {
                edges.add(new long[] {0, to}); // a stock base already past those barriers' versions
            }
            for (int i = from; i < to; i++) {
                if (i == 0 && base.isPresent() && jumpsBarrier(base.get(), target)) continue;
                edges.add(new long[] {i, to});
            }
        }
        return new UpdateGraph(nodes, edges);
    }

    /**
     * Whether a stock base booted a version at or past the base of every barrier release before {@code j}:
     * FCOS places a node by its age, a stock base has none, so it is placed by its version.
     */
    static boolean passedBarriersBefore(StockBase base, List<Release> served, int j) {
        for (int k = 0; k < j; k++) {
            Release r = served.get(k);
            if (r.barrier().isEmpty()) continue;
            Optional<String> v = osVersionOf(r.version());
            if (v.isEmpty() || Versions.compare(base.version(), v.get()) < 0) return false;
        }
        return true;
    }

    static Node node(Release r, String payload) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SCHEME, "oci");
        m.put(AGE_INDEX, Long.toString(r.ageIndex()));
        r.barrier().ifPresent(reason -> {
            m.put(BARRIER, "true");
            m.put(BARRIER_REASON, reason);
        });
        r.deadEnd().ifPresent(reason -> {
            m.put(DEADEND, "true");
            m.put(DEADEND_REASON, reason);
        });
        return new Node(r.version(), payload, m);
    }

    /**
     * Whether going from a stock base straight to {@code target} would skip a stream barrier: one after the
     * base's version and before the version {@code target} is built on. A release built on the barrier
     * itself is the way through.
     */
    static boolean jumpsBarrier(StockBase base, Release target) {
        Optional<String> built = osVersionOf(target.version());
        if (built.isEmpty()) return !base.streamBarriers().isEmpty();
        for (String b : base.streamBarriers()) {
            if (Versions.compare(base.version(), b) < 0 && Versions.compare(b, built.get()) < 0) return true;
        }
        return false;
    }

    /** The OS version a Strata release is built on: its version up to {@code .strata.}. */
    static Optional<String> osVersionOf(String releaseVersion) {
        int at = releaseVersion.indexOf(".strata.");
        String v = at < 0 ? releaseVersion : releaseVersion.substring(0, at);
        return v.isBlank() || v.equals("0") ? Optional.empty() : Optional.of(v);
    }

    /** The JSON Zincati decodes: {@code {"nodes":[{version,payload,metadata}],"edges":[[from,to],...]}}. */
    public String json() {
        StringBuilder b = new StringBuilder(256 + nodes.size() * 320 + edges.size() * 12);
        b.append("{\"nodes\":[");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (i > 0) b.append(',');
            b.append("{\"version\":").append(Json.quote(n.version())).append(",\"payload\":").append(Json.quote(n.payload()))
                    .append(",\"metadata\":{");
            int k = 0;
            for (var e : n.metadata().entrySet()) {
                if (k++ > 0) b.append(',');
                b.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            }
            b.append("}}");
        }
        b.append("],\"edges\":[");
        for (int i = 0; i < edges.size(); i++) {
            if (i > 0) b.append(',');
            b.append('[').append(edges.get(i)[0]).append(',').append(edges.get(i)[1]).append(']');
        }
        return b.append("]}").toString();
    }
}
