package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;

/**
 * A {@code kubernetes.io/tls} Secret as cert-manager writes it: {@code tls.crt} (the serving certificate, then any
 * intermediates), {@code tls.key} (PKCS#1, SEC1 or PKCS#8) and, for CA-style issuers, {@code ca.crt}.
 */
final class CertManagerSecret {
    static final String CA_CRT = "ca.crt";

    private CertManagerSecret() {
    }

    /** The bundle to serve; {@link IllegalArgumentException} naming the key when the Secret is not usable. */
    static ServingBundle decode(GenericKubernetesResource secret) {
        Map<?, ?> data = TlsSecret.data(secret);
        String chain = TlsSecret.text(data, TlsSecret.TLS_CRT);
        ServingCertificate serving = ServingCertificate.fromPem(chain, TlsSecret.text(data, TlsSecret.TLS_KEY), TlsSecret.TLS_CRT);
        String authorities = data.containsKey(CA_CRT) ? TlsSecret.text(data, CA_CRT) : "";
        return new ServingBundle(authorities, Pem.certificates(Pem.parseCertificates(chain, TlsSecret.TLS_CRT)),
                Pem.privateKey(serving.key()), serving.notBefore(), serving.notAfter());
    }
}
