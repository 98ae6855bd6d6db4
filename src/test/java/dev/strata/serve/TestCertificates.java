package dev.strata.serve;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;

/**
 * Self-signed test certificates for 127.0.0.1 and localhost, written as PEM the way certificate tools
 * write them (PKCS#8 or the traditional RSA and EC forms), and a client context that trusts them.
 */
final class TestCertificates {
    enum KeyFormat { PKCS8, TRADITIONAL }

    record Issued(X509Certificate certificate, KeyPair keys) {
        /** Writes {@code cert.pem} and {@code key.pem} into {@code dir}. */
        Path[] write(Path dir, KeyFormat format) throws Exception {
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
            byte[] pkcs8 = keys.getPrivate().getEncoded();
            if (format == KeyFormat.PKCS8) {
                Files.writeString(key, pem("PRIVATE KEY", pkcs8));
            } else {
                // The traditional forms are the key structure inside the PKCS#8 wrapper.
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
                if (keys.getPrivate().getAlgorithm().equals("RSA")) {
                    Files.writeString(key, pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
                } else {
                    // As openssl writes it: the curve and the public key inside the SEC1 structure.
                    ECPrivateKey bare = ECPrivateKey.getInstance(info.parsePrivateKey());
                    int bits = ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getParams().getOrder().bitLength();
                    ECPrivateKey sec1 = new ECPrivateKey(bits, bare.getKey(),
                            new DERBitString(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes()),
                            info.getPrivateKeyAlgorithm().getParameters());
                    Files.writeString(key, pem("EC PRIVATE KEY", sec1.getEncoded()));
                }
            }
            return new Path[] {cert, key};
        }

        /** A client context that trusts exactly this certificate. */
        SSLContext clientContext() throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("test", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
    }

    private TestCertificates() {
    }

    static Issued ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return issue(g.generateKeyPair(), "SHA256withECDSA", new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256));
    }

    static Issued rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return issue(g.generateKeyPair(), "SHA256withRSA",
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE));
    }

    private static Issued issue(KeyPair keys, String signatureAlgorithm, AlgorithmIdentifier sigId) throws Exception {
        long now = System.currentTimeMillis();
        X500Name name = new X500Name("CN=strata test");
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(now)));
        tbs.setIssuer(name);
        tbs.setSubject(name);
        tbs.setStartDate(new Time(new Date(now - 60_000)));
        tbs.setEndDate(new Time(new Date(now + 86_400_000L)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
        tbs.setSignature(sigId);
        GeneralNames sans = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")});
        tbs.setExtensions(new Extensions(new Extension(Extension.subjectAlternativeName, false,
                new DEROctetString(sans))));
        TBSCertificate unsigned = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance(signatureAlgorithm);
        signer.initSign(keys.getPrivate());
        signer.update(unsigned.getEncoded());
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(unsigned);
        v.add(sigId);
        v.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(v).getEncoded();
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        return new Issued(cert, keys);
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
