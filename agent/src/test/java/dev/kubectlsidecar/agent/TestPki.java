package dev.kubectlsidecar.agent;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** A throwaway CA and serving certificates with SANs, for tests that talk real TLS to the agent. */
final class TestPki {
    static final String SERVICE_NAME = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key. */
    record Issued(X509Certificate certificate, PrivateKey key) {
        String certificatePem() {
            return pem(certificate);
        }

        /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
        String pkcs8KeyPem() {
            try {
                return pem(new JcaPKCS8Generator(key, null).generate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The key in its traditional form: {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or {@code BEGIN EC PRIVATE KEY}
         * (SEC1 with the curve named inside, as openssl writes it; the JDK's own encoding leaves it out).
         */
        String traditionalKeyPem() {
            if (!key.getAlgorithm().equals("EC")) {
                return pem(key);
            }
            try {
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                org.bouncycastle.asn1.sec.ECPrivateKey inner =
                        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                        inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
                return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the certificate and the PKCS#8 key, replacing the files atomically. */
        void writeTo(Path certificateFile, Path keyFile) throws Exception {
            replace(certificateFile, certificatePem());
            replace(keyFile, pkcs8KeyPem());
        }
    }

    private TestPki() {
    }

    static Issued ca(String name) throws Exception {
        KeyPair keys = ec();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
    }

    /** A serving certificate for the agent's Service name, localhost and 127.0.0.1, with an EC key. */
    static Issued serving(Issued ca) throws Exception {
        return serving(ca, ec());
    }

    /** The same with an RSA key. */
    static Issued servingRsa(Issued ca) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return serving(ca, generator.generateKeyPair());
    }

    private static Issued serving(Issued ca, KeyPair keys) throws Exception {
        X509v3CertificateBuilder builder = builder(new X500Name(ca.certificate().getSubjectX500Principal().getName()),
                new X500Name("CN=" + SERVICE_NAME), keys);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, SERVICE_NAME),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        return new Issued(sign(builder, ca.key()), keys.getPrivate());
    }

    /** A TLS context that trusts only the given CAs. */
    static SSLContext trusting(X509Certificate... cas) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            store.setCertificateEntry("ca" + i, cas[i]);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) throws Exception {
        String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static void replace(Path file, String text) throws Exception {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

}
