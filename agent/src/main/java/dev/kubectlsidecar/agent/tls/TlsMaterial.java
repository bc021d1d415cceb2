package dev.kubectlsidecar.agent.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Everything the agent keeps about its TLS: the {@code active} CA (signs the serving certificate), the {@code next}
 * CA while a CA replacement waits for its bundle to propagate, {@code retired} CA certificates still trusted until
 * every replica serves from the new CA, the {@code serving} certificate, and when the CAs last changed
 * ({@code changedAt}: a CA created, added, switched to or dropped; a serving renewal from the same CA does not count).
 * The CA bundle clients trust is derived: retired, active and next CAs.
 */
public record TlsMaterial(CertificateAuthority active, Optional<CertificateAuthority> next, List<X509Certificate> retired,
                          ServingCertificate serving, Instant changedAt) {

    public TlsMaterial {
        retired = List.copyOf(retired);
    }

    public List<X509Certificate> bundle() {
        LinkedHashSet<X509Certificate> bundle = new LinkedHashSet<>(retired);
        bundle.add(active.certificate());
        next.ifPresent(ca -> bundle.add(ca.certificate()));
        return new ArrayList<>(bundle);
    }

    public String bundlePem() {
        return Pem.certificates(bundle());
    }

    public ServingBundle servingBundle() {
        return new ServingBundle(bundlePem(), Pem.certificates(List.of(serving.certificate())), Pem.privateKey(serving.key()),
                serving.notBefore(), serving.notAfter());
    }
}
