package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.strata.serve.ServeFixture.DC1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS from PEM files, checked with real handshakes from the JDK's HTTP client. */
class TlsServerTest {
    @TempDir
    Path dir;

    @Test
    void serveOverTlsWithAnEcKeyInPkcs8() throws Exception {
        handshake(TestCertificates.ec(), TestCertificates.KeyFormat.PKCS8);
    }

    @Test
    void serveOverTlsWithATraditionalRsaKey() throws Exception {
        handshake(TestCertificates.rsa(), TestCertificates.KeyFormat.TRADITIONAL);
    }

    private void handshake(TestCertificates.Issued issued, TestCertificates.KeyFormat format) throws Exception {
        Path[] files = issued.write(Files.createDirectories(dir.resolve("tls")), format);
        var tls = TlsFiles.context(files[0], files[1]);
        try (ServeFixture f = ServeFixture.start(dir, c -> c.withTls(tls).withPrefix(PathPrefix.parse("/s3cret/")),
                Optional.empty(), Optional.empty(), HttpClient.newBuilder().sslContext(issued.clientContext()))) {
            f.release(DC1);
            URI base = f.server.baseUri();
            assertThat(base.getScheme()).isEqualTo("https");
            HttpResponse<String> health = f.get("healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLSv1."));
            assertThat(f.fleetLock("pre-reboot", DC1, "dc-east").statusCode()).isEqualTo(200);

            // A client that does not trust the certificate does not get through, and plain HTTP gets nothing.
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(base.resolve("healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
            URI plain = URI.create("http://" + base.getRawAuthority() + base.getRawPath() + "healthz");
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        }
    }
}
