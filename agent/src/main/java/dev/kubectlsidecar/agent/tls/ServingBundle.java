package dev.kubectlsidecar.agent.tls;

import java.time.Instant;

/**
 * What an HTTPS server needs to serve, as PEM text: {@code certChainPem} (the serving certificate) with its
 * {@code keyPem} (PKCS#8), and {@code caCertsPem}, the CA bundle clients must trust (one CA, or two while the CA is
 * being replaced). {@code notBefore}/{@code notAfter} are the serving certificate's validity.
 */
public record ServingBundle(String caCertsPem, String certChainPem, String keyPem, Instant notBefore, Instant notAfter) {

    public ServingBundle {
        if (caCertsPem == null || certChainPem == null || keyPem == null || notBefore == null || notAfter == null) {
            throw new IllegalArgumentException("a serving bundle needs CA certificates, a certificate, a key and its validity");
        }
    }

    @Override
    public String toString() { // never the key
        return "ServingBundle[notBefore=" + notBefore + ", notAfter=" + notAfter + "]";
    }
}
