package dev.strata.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Zincati's update selection, written from the protocol notes (protocols.md section 2, read from zincati
 * {@code src/cincinnati/mod.rs} {@code find_update} and {@code src/rpm_ostree/mod.rs}): decode the graph
 * with string-only metadata; find the booted node by exact payload string among {@code oci}-scheme nodes;
 * take its edge targets, drop those whose payload is on the deny list (deployments the machine booted
 * before); pick the highest by (age_index, version, payload); refuse it when it is not above the booted
 * release unless downgrades are allowed. A node that fails to parse (no version, no scheme, no
 * age_index) fails the whole check, as in Zincati.
 */
public final class ZincatiRule {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Node(String version, String payload, Map<String, String> metadata) {
        public long ageIndex() {
            return Long.parseLong(metadata.get("org.fedoraproject.coreos.releases.age_index"));
        }

        public boolean deadEnd() {
            return "true".equals(metadata.get("org.fedoraproject.coreos.updates.deadend"));
        }
    }

    public record Graph(List<Node> nodes, List<long[]> edges) {
    }

    private ZincatiRule() {
    }

    /** Decodes as Zincati's serde types do: metadata values must be strings, edges pairs of integers. */
    public static Graph decode(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : root.required("nodes")) {
            Map<String, String> metadata = new HashMap<>();
            var fields = n.required("metadata").fields();
            while (fields.hasNext()) {
                var f = fields.next();
                if (!f.getValue().isTextual()) throw new IOException("metadata " + f.getKey() + " is not a string");
                metadata.put(f.getKey(), f.getValue().textValue());
            }
            nodes.add(new Node(n.required("version").textValue(), n.required("payload").textValue(), metadata));
        }
        List<long[]> edges = new ArrayList<>();
        for (JsonNode e : root.required("edges")) {
            if (e.size() != 2 || !e.get(0).canConvertToLong() || !e.get(1).canConvertToLong()) throw new IOException("bad edge " + e);
            edges.add(new long[] {e.get(0).longValue(), e.get(1).longValue()});
        }
        return new Graph(nodes, edges);
    }

    /** Zincati's {@code find_update}: the release to stage, or empty. */
    public static Optional<Node> select(Graph g, String bootedPayload, Set<String> denylist, boolean allowDowngrade)
            throws IOException {
        for (Node n : g.nodes()) check(n);
        int booted = -1;
        for (int i = 0; i < g.nodes().size(); i++) {
            Node n = g.nodes().get(i);
            if ("oci".equals(n.metadata().get("org.fedoraproject.coreos.scheme")) && n.payload().equals(bootedPayload)) {
                booted = i;
                break;
            }
        }
        if (booted < 0) return Optional.empty(); // "booted deployment ... not found in the update graph"
        List<Node> targets = new ArrayList<>();
        for (long[] e : g.edges()) {
            if (e[0] != booted) continue;
            if (e[1] < 0 || e[1] >= g.nodes().size()) throw new IOException("target node " + e[1] + " not present in graph");
            Node t = g.nodes().get((int) e[1]);
            if (!denylist.contains(t.payload())) targets.add(t);
        }
        Comparator<Node> order = Comparator.comparingLong(Node::ageIndex).thenComparing(Node::version).thenComparing(Node::payload);
        Optional<Node> next = targets.stream().max(order);
        if (next.isEmpty()) return next;
        if (order.compare(next.get(), g.nodes().get(booted)) <= 0 && !allowDowngrade) return Optional.empty();
        return next;
    }

    private static void check(Node n) throws IOException {
        if (n.version().isEmpty() || n.payload().isEmpty()) throw new IOException("empty version or payload");
        String scheme = n.metadata().get("org.fedoraproject.coreos.scheme");
        if (scheme == null || !(scheme.equals("oci") || scheme.equals("checksum"))) throw new IOException("bad scheme " + scheme);
        String age = n.metadata().get("org.fedoraproject.coreos.releases.age_index");
        if (age == null || !age.matches("\\d+")) throw new IOException("missing or invalid age_index " + age);
    }
}
