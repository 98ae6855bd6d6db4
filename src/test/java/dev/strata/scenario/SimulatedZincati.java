package dev.strata.scenario;

import dev.strata.registry.Credentials;
import dev.strata.registry.ImageLookup;
import dev.strata.registry.Repository;
import dev.strata.registry.Retry;
import dev.strata.testing.RawHttp;
import dev.strata.testing.ZincatiRule;

import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One machine running Zincati with the fleet_lock strategy, written from the protocol notes
 * (protocols.md sections 1, 2 and 4) and nothing else, talking real HTTP to strata serve:
 * <ol>
 *   <li>after boot, {@code POST v1/steady-state} until it succeeds;</li>
 *   <li>then {@code GET v1/graph} with {@code Identity::cincinnati_params}; the update is what
 *   {@link ZincatiRule} selects, the deny list being every deployment booted before;</li>
 *   <li>stage it as rpm-ostree would ({@code rebase}/{@code deploy --disallow-downgrade}): the image is read
 *   from the real registry, and staging fails when it is older than the booted one, when its version label
 *   is not the graph node's version, or when its {@code com.coreos.stream} is not the booted one's (Zincati
 *   checks both before finalizing);</li>
 *   <li>{@code POST v1/pre-reboot} until a slot is granted, then reboot into it.</li>
 * </ol>
 */
final class SimulatedZincati {
    final String id;
    final String name;
    private final String group;
    private final InetSocketAddress server;
    private final List<String> log = new ArrayList<>();
    String bootedPayload;
    String bootedVersion;
    Instant bootedCreated;
    String stream = "stable";
    private final Set<String> deployments = new LinkedHashSet<>();
    private Optional<ZincatiRule.Node> staged = Optional.empty();
    private boolean steady;
    boolean holdsSlot;
    final List<Long> ageHistory = new ArrayList<>();

    SimulatedZincati(String id, String name, String group, InetSocketAddress server, String bootedPayload, String bootedVersion,
                     Instant bootedCreated) {
        this.id = id;
        this.name = name;
        this.group = group;
        this.server = server;
        this.bootedPayload = bootedPayload;
        this.bootedVersion = bootedVersion;
        this.bootedCreated = bootedCreated;
    }

    /** One pass of Zincati's agent loop. Returns what it did, for the scenario's log. */
    String tick() throws Exception {
        if (!steady) {
            RawHttp.Response r = fleetLock("steady-state");
            if (r.status() != 200) return note("steady-state refused: " + r.status() + " " + r.body());
            steady = true;
            holdsSlot = false;
        }
        if (staged.isEmpty()) {
            RawHttp.Response g = RawHttp.send(server, "GET", "/v1/graph?" + query(), Map.of("accept", "application/json"), null);
            if (g.status() != 200) return note("graph: " + g.status() + " " + g.body());
            Set<String> denylist = new LinkedHashSet<>(deployments);
            Optional<ZincatiRule.Node> next = ZincatiRule.select(ZincatiRule.decode(g.body()), bootedPayload, denylist, false);
            if (next.isEmpty()) return note("no update");
            stage(next.get());
            return note("staged " + next.get().version());
        }
        RawHttp.Response lock = fleetLock("pre-reboot");
        if (lock.status() != 200) return note("pre-reboot refused: " + lock.status() + " " + lock.body());
        holdsSlot = true;
        ZincatiRule.Node n = staged.get();
        deployments.add(bootedPayload);
        bootedPayload = n.payload();
        bootedVersion = n.version();
        bootedCreated = stagedCreated;
        ageHistory.add(n.ageIndex());
        staged = Optional.empty();
        steady = false;
        return note("rebooted into " + n.version());
    }

    /** rpm-ostree's checks, against the image in the registry. */
    private void stage(ZincatiRule.Node n) throws Exception {
        int at = n.payload().indexOf('@');
        Repository repo = Repository.parse(n.payload().substring(0, at));
        try (ImageLookup lookup = new ImageLookup(Credentials.none(), Retry.immediate(1))) {
            ImageLookup.Image image = lookup.find(repo, n.payload().substring(at + 1), true)
                    .orElseThrow(() -> new AssertionError(name + ": " + n.payload() + " is not in the registry"));
            if (!image.digest().equals(n.payload().substring(at + 1))) throw new AssertionError("digest mismatch " + n.payload());
            Instant created = image.created().orElseThrow();
            if (created.isBefore(bootedCreated)) {
                throw new AssertionError(name + ": rpm-ostree --disallow-downgrade refuses " + n.version() + " (created " + created
                        + ") over the booted image (created " + bootedCreated + ")");
            }
            if (!n.version().equals(image.version().orElse(""))) {
                throw new AssertionError(name + ": Zincati expects pending deployment '" + n.version() + "' but found '"
                        + image.version().orElse("") + "'");
            }
            if (!stream.equals(image.labels().get("com.coreos.stream"))) {
                throw new AssertionError(name + ": pending deployment is on stream " + image.labels().get("com.coreos.stream"));
            }
            stagedCreated = created;
        }
        staged = Optional.of(n);
    }

    private Instant stagedCreated;

    private RawHttp.Response fleetLock(String api) throws Exception {
        byte[] body = ("{\n  \"client_params\": {\n    \"id\": \"" + id + "\",\n    \"group\": \"" + group + "\"\n  }\n}")
                .getBytes(StandardCharsets.UTF_8);
        return RawHttp.send(server, "POST", "/v1/" + api, Map.of("fleet-lock-protocol", "true"), body);
    }

    private String query() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("basearch", "x86_64");
        p.put("os_version", bootedVersion);
        p.put("group", group);
        p.put("node_uuid", id);
        p.put("platform", "metal");
        p.put("stream", stream);
        p.put("os_checksum", bootedPayload);
        p.put("oci", "true");
        StringBuilder b = new StringBuilder();
        p.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    private String note(String what) {
        log.add(what);
        return name + ": " + what;
    }

    List<String> log() {
        return log;
    }
}
