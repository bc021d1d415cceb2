package dev.kubectlsidecar.agent.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM encoding and decoding of certificates (one or more: a chain or a bundle) and private keys (written as PKCS#8
 * {@code PRIVATE KEY}, the form Vert.x and the JDK both read; {@code EC PRIVATE KEY} is accepted on input).
 * Bad input raises {@link IllegalArgumentException} with a one-line message; {@code what} names the place.
 */
public final class Pem {
    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private Pem() {
    }

    public static String certificates(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    public static String privateKey(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** All certificates in {@code pem}, in order; at least one. */
    public static List<X509Certificate> parseCertificates(String pem, String what) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : readAll(pem, what)) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException(what + ": expected only CERTIFICATE blocks, found " + describe(object));
            }
            try {
                certificates.add(CERTIFICATES.getCertificate(holder));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(what + ": unreadable certificate: " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + ": no PEM CERTIFICATE block");
        }
        return certificates;
    }

    /** The single private key in {@code pem} (PKCS#8 or SEC1 EC). */
    public static PrivateKey parsePrivateKey(String pem, String what) {
        List<Object> objects = readAll(pem, what);
        if (objects.size() != 1) {
            throw new IllegalArgumentException(what + ": expected exactly one PEM private key block, found " + objects.size());
        }
        Object object = objects.get(0);
        try {
            if (object instanceof PrivateKeyInfo info) {
                return KEYS.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return KEYS.getKeyPair(pair).getPrivate();
            }
        } catch (PEMException e) {
            throw new IllegalArgumentException(what + ": unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + ": expected a PRIVATE KEY block, found " + describe(object));
    }

    private static List<Object> readAll(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + ": empty");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": malformed PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    private static String describe(Object object) {
        return object.getClass().getSimpleName();
    }
}
