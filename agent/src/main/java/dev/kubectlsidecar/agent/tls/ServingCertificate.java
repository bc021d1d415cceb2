package dev.kubectlsidecar.agent.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The webhook's serving certificate and its key. */
public record ServingCertificate(X509Certificate certificate, PrivateKey key) {
    private static final int DNS_NAME = 2; // GeneralName type tag of dNSName

    public ServingCertificate {
        KeyPairs.requireMatch(certificate, key, "serving");
    }

    public static ServingCertificate fromPem(String certificatePem, String keyPem, String what) {
        X509Certificate leaf = Pem.parseCertificates(certificatePem, what + " certificate").get(0);
        return new ServingCertificate(leaf, Pem.parsePrivateKey(keyPem, what + " key"));
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    public List<String> dnsNames() {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            List<String> dns = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (((Integer) name.get(0)) == DNS_NAME) {
                        dns.add((String) name.get(1));
                    }
                }
            }
            return dns;
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("serving certificate: unreadable subjectAltName: " + e.getMessage(), e);
        }
    }

    /** Whether {@code ca} signed this certificate. */
    public boolean signedBy(X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
