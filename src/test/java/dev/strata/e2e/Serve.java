package dev.strata.e2e;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A running {@code strata serve} the simulation talks to: in this JVM ({@link InProcessServe}) or in a child
 * JVM ({@link ChildServe}). Reconciles run when the test pushes the signed Git webhook, as a forge would.
 */
interface Serve extends AutoCloseable {
    String WEBHOOK_SECRET = "e2e-webhook-secret-not-for-production";

    /** The base URL machines are configured with, ending in {@code /}. */
    URI baseUrl();

    /** Triggers one reconcile through the webhook and waits for it to finish; returns its one-line outcome. */
    String reconcile() throws Exception;

    @Override
    void close() throws Exception;

    /** {@code POST v1/hooks/git} signed with {@link #WEBHOOK_SECRET}; returns the status code. */
    static int pushWebhook(HttpClient http, URI base) throws IOException, InterruptedException {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("v1/hooks/git"))
                .header("X-Hub-Signature-256", signature).header("X-GitHub-Event", "push")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
