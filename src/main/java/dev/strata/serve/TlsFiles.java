package dev.strata.serve;

import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server TLS context from PEM files, as certificate tools write them: a certificate chain (server
 * certificate first), and an unencrypted private key in PKCS#8 ({@code PRIVATE KEY}) or the
 * traditional RSA ({@code RSA PRIVATE KEY}) or EC ({@code EC PRIVATE KEY}) form. Errors name the
 * file and what to do; they never include key material.
 */
public final class TlsFiles {
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            PKCSObjectIdentifiers.rsaEncryption.getId(), "RSA",
            PKCSObjectIdentifiers.id_RSASSA_PSS.getId(), "RSASSA-PSS",
            X9ObjectIdentifiers.id_ecPublicKey.getId(), "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private TlsFiles() {
    }

    /** A configuration problem with the certificate or key files; the message says which and what to do. */
    public static final class TlsException extends Exception {
        public TlsException(String message) {
            super(message);
        }
    }

    public static SSLContext context(Path certificateFile, Path keyFile) throws TlsException {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        checkPair(chain.get(0), key, certificateFile, keyFile);
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("strata", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot set up TLS with " + certificateFile + " and " + keyFile + ": " + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(Path file) throws TlsException {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        } catch (NoSuchFileException e) {
            throw new TlsException("--tls-cert: no such file: " + file);
        } catch (IOException e) {
            throw new TlsException("--tls-cert: cannot read " + file + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw new TlsException("--tls-cert: " + file + " is not a PEM certificate chain: " + e.getMessage());
        }
        if (chain.isEmpty()) throw new TlsException("--tls-cert: " + file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        return chain;
    }

    static PrivateKey privateKey(Path file) throws TlsException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PemReader pem = new PemReader(r)) {
            PemObject o;
            while ((o = pem.readPemObject()) != null) {
                switch (o.getType()) {
                    case "PRIVATE KEY":
                        return pkcs8(PrivateKeyInfo.getInstance(o.getContent()), file);
                    case "RSA PRIVATE KEY":
                        return pkcs8(new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                ASN1Primitive.fromByteArray(o.getContent())), file);
                    case "EC PRIVATE KEY":
                        return ecKey(o.getContent(), file);
                    case "ENCRYPTED PRIVATE KEY":
                        throw new TlsException("--tls-key: " + file + " is encrypted; give an unencrypted key"
                                + " (openssl pkey -in KEY -out PLAIN) and protect the file with its permissions");
                    default:
                        break; // EC PARAMETERS, certificates kept in the same file: not the key
                }
            }
        } catch (NoSuchFileException e) {
            throw new TlsException("--tls-key: no such file: " + file);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new TlsException("--tls-key: " + file + " is not a readable PEM private key");
        }
        throw new TlsException("--tls-key: " + file + " holds no private key (expected -----BEGIN PRIVATE KEY-----,"
                + " RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey ecKey(byte[] der, Path file) throws IOException, TlsException {
        ECPrivateKey sec1 = ECPrivateKey.getInstance(der);
        ASN1Object curve = sec1.getParametersObject();
        if (curve == null) {
            throw new TlsException("--tls-key: " + file + ": the EC key names no curve; convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        return pkcs8(new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1), file);
    }

    private static PrivateKey pkcs8(PrivateKeyInfo info, Path file) throws IOException, TlsException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm = KEY_ALGORITHMS.get(oid.getId());
        if (algorithm == null) throw new TlsException("--tls-key: " + file + ": unsupported key algorithm " + oid.getId() + "; use RSA or EC");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new TlsException("--tls-key: " + file + ": not a valid " + algorithm + " private key");
        }
    }

    /** A key that does not belong to the certificate fails every handshake; say so at start instead. */
    private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) throws TlsException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) return;
        boolean matches;
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            matches = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsException("--tls-key: the key in " + keyFile + " does not belong to the first certificate in "
                    + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
        }
    }
}
