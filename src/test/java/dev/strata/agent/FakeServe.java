package dev.strata.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code strata serve} as docs/delivery.md describes it to the agent, small: the target, status reports
 * and FleetLock, each checking what a real server checks (token, header, client_params), and logging
 * each call to the host's event log, so a test sees server calls and host commands in one order.
 * {@link #cutOff()} takes it off the network; {@link #restore()} brings it back on the same port.
 */
final class FakeServe implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final String machineId;
    final String token;
    final String group;
    private final Path events;
    private int port;
    private HttpServer server;

    volatile String targetJson = "{}";
    volatile int preRebootStatus = 200;
    volatile int statusStatus = 200;
    final List<JsonNode> statusReports = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();

    FakeServe(Path events, String machineId, String token, String group) throws IOException {
        this.events = events;
        this.machineId = machineId;
        this.token = token;
        this.group = group;
        start(0);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    int port() {
        return port;
    }

    /** The target answer for {@code digest}, or "not released" when null. */
    void target(String digest, int timeoutSeconds, String checksJson) {
        String image = digest == null ? "null" : "\"" + FakeHost.REPO + "@" + digest + "\"";
        targetJson = "{\"id\":\"" + machineId + "\",\"group\":\"" + group + "\",\"image\":" + image + ",\"digest\":"
                + (digest == null ? "null" : "\"" + digest + "\"") + ",\"connectivity\":{\"timeoutSeconds\":" + timeoutSeconds
                + ",\"checks\":" + checksJson + "}}";
    }

    void cutOff() {
        server.stop(0);
    }

    void restore() throws IOException {
        start(port);
    }

    private void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 16);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            byte[] body = x.getRequestBody().readAllBytes();
            event("http " + method + " " + path);
            if (path.equals("/healthz")) {
                reply(x, 200, "ok");
            } else if (path.equals("/v1/machines/" + machineId + "/target") && method.equals("GET")) {
                if (authorized(x)) reply(x, 200, targetJson);
            } else if (path.equals("/v1/machines/" + machineId + "/status") && method.equals("POST")) {
                if (!authorized(x)) return;
                if (statusStatus != 200) {
                    reply(x, statusStatus, "{\"kind\":\"internal_error\",\"value\":\"not now\"}");
                    return;
                }
                try {
                    statusReports.add(JSON.readTree(body));
                    reply(x, 200, "{\"recorded\":true}");
                } catch (IOException e) {
                    problems.add("status body is not JSON: " + e.getMessage());
                    reply(x, 400, "{\"kind\":\"invalid_request\",\"value\":\"body is not JSON\"}");
                }
            } else if ((path.equals("/v1/pre-reboot") || path.equals("/v1/steady-state")) && method.equals("POST")) {
                Optional<String> problem = fleetLockProblem(x, body);
                if (problem.isPresent()) {
                    problems.add(path + ": " + problem.get());
                    reply(x, 400, "{\"kind\":\"invalid_client_identity\",\"value\":\"" + problem.get() + "\"}");
                } else if (path.equals("/v1/pre-reboot") && preRebootStatus != 200) {
                    reply(x, preRebootStatus, "{\"kind\":\"slots_full\",\"value\":\"all 1 slots of group " + group + " are held\"}");
                } else {
                    reply(x, 200, "");
                }
            } else {
                reply(x, 404, "{\"kind\":\"not_found\",\"value\":\"" + path + "\"}");
            }
        }
    }

    private boolean authorized(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(auth));
        if (("Bearer " + token).equals(auth)) return true;
        reply(x, 401, "{\"kind\":\"unauthorized\",\"value\":\"missing or wrong machine token\"}");
        return false;
    }

    private Optional<String> fleetLockProblem(HttpExchange x, byte[] body) {
        if (!"true".equals(x.getRequestHeaders().getFirst("fleet-lock-protocol"))) return Optional.of("no fleet-lock-protocol header");
        try {
            JsonNode p = JSON.readTree(body).path("client_params");
            if (!machineId.equals(p.path("id").asText())) return Optional.of("client_params.id is " + p.path("id"));
            if (!group.equals(p.path("group").asText())) return Optional.of("client_params.group is " + p.path("group"));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("body is not JSON");
        }
    }

    private void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private synchronized void event(String line) throws IOException {
        Files.writeString(events, line + "\n", StandardOpenOption.APPEND);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
