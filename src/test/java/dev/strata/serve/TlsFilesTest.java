package dev.strata.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsEcAndRsaKeysInPkcs8AndTraditionalForm() throws Exception {
        for (TestCertificates.Issued issued : new TestCertificates.Issued[] {TestCertificates.ec(), TestCertificates.rsa()}) {
            for (TestCertificates.KeyFormat format : TestCertificates.KeyFormat.values()) {
                Path[] files = issued.write(dir, format);
                String type = Files.readString(files[1]).lines().findFirst().orElseThrow();
                assertThat(secret(TlsFiles.privateKey(files[1]))).as(type).isEqualTo(secret(issued.keys().getPrivate()));
                assertThat(TlsFiles.context(files[0], files[1]).getProtocol()).isEqualTo("TLS");
            }
        }
    }

    private static java.math.BigInteger secret(java.security.PrivateKey key) {
        return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
                : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
    }

    @Test
    void findsTheKeyAfterEcParametersAndReadsAChain() throws Exception {
        TestCertificates.Issued issued = TestCertificates.ec();
        Path[] files = issued.write(dir, TestCertificates.KeyFormat.TRADITIONAL);
        // openssl ecparam -genkey writes the curve first; a chain file holds several certificates.
        Files.writeString(files[1], "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(files[1]));
        Files.writeString(files[0], Files.readString(files[0]) + TestCertificates.pem("CERTIFICATE",
                TestCertificates.rsa().certificate().getEncoded()));
        assertThat(TlsFiles.certificates(files[0])).hasSize(2);
        assertThat(TlsFiles.context(files[0], files[1])).isNotNull();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
        Path[] a = TestCertificates.ec().write(Files.createDirectory(dir.resolve("a")), TestCertificates.KeyFormat.PKCS8);
        Path[] b = TestCertificates.ec().write(Files.createDirectory(dir.resolve("b")), TestCertificates.KeyFormat.PKCS8);
        assertThatThrownBy(() -> TlsFiles.context(a[0], b[1]))
                .isInstanceOf(TlsFiles.TlsException.class)
                .hasMessageContaining("does not belong to the first certificate")
                .hasMessageContaining(a[0].toString()).hasMessageContaining(b[1].toString());
    }

    @Test
    void badFilesGetAnErrorSayingWhatToDoWithoutKeyMaterial() throws Exception {
        Path[] files = TestCertificates.ec().write(dir, TestCertificates.KeyFormat.PKCS8);
        String keyPem = Files.readString(files[1]);
        String base64 = keyPem.lines().skip(1).findFirst().orElseThrow();

        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, keyPem.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"));
        assertThatThrownBy(() -> TlsFiles.privateKey(encrypted)).hasMessageContaining("is encrypted")
                .hasMessageContaining("openssl pkey");

        Path certOnly = dir.resolve("cert-as-key.pem");
        Files.copy(files[0], certOnly);
        assertThatThrownBy(() -> TlsFiles.privateKey(certOnly)).hasMessageContaining("holds no private key");

        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN PRIVATE KEY-----\nAAAA" + base64.substring(4, 20) + "\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsFiles.privateKey(broken)).isInstanceOf(TlsFiles.TlsException.class)
                .message().doesNotContain(base64.substring(4, 20));

        assertThatThrownBy(() -> TlsFiles.context(dir.resolve("missing.pem"), files[1]))
                .hasMessage("--tls-cert: no such file: " + dir.resolve("missing.pem"));
        assertThatThrownBy(() -> TlsFiles.certificates(files[1])).hasMessageContaining("--tls-cert")
                .hasMessageContaining(files[1].toString());
    }
}
