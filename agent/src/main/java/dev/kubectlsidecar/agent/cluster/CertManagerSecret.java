package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A {@code kubernetes.io/tls} Secret as cert-manager writes it: {@code tls.crt} (the serving certificate, then any
 * intermediates), {@code tls.key} (PKCS#1, SEC1 or PKCS#8) and, for CA-style issuers, {@code ca.crt}.
 */
final class CertManagerSecret {
    static final String CA_CRT = "ca.crt";

    private CertManagerSecret() {
    }

    /**
     * The bundle to serve; {@link IllegalArgumentException} naming the key when the Secret is not usable, a
     * certificate that does not name {@code serviceDnsName} (the name the API server calls: it would refuse it)
     * included, so the watcher keeps serving the previous one.
     */
    static ServingBundle decode(GenericKubernetesResource secret, String serviceDnsName) {
        Map<?, ?> data = TlsSecret.data(secret);
        String chain = TlsSecret.text(data, TlsSecret.TLS_CRT);
        ServingCertificate serving = ServingCertificate.fromPem(chain, TlsSecret.text(data, TlsSecret.TLS_KEY), TlsSecret.TLS_CRT);
        List<String> names = dnsNames(serving.certificate());
        if (!names.contains(serviceDnsName)) {
            throw new IllegalArgumentException(TlsSecret.TLS_CRT + ": the certificate does not name " + serviceDnsName
                    + " (its DNS names: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        String authorities = data.containsKey(CA_CRT) ? TlsSecret.text(data, CA_CRT) : "";
        return new ServingBundle(authorities, Pem.certificates(Pem.parseCertificates(chain, TlsSecret.TLS_CRT)),
                Pem.privateKey(serving.key()), serving.notBefore(), serving.notAfter());
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            return alternatives == null ? List.of() : alternatives.stream()
                    .filter(name -> Integer.valueOf(2).equals(name.get(0))) // dNSName
                    .map(name -> String.valueOf(name.get(1))).toList();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException(TlsSecret.TLS_CRT + ": unreadable subject alternative names", e);
        }
    }
}
