package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Secret cert-manager writes, read as the agent serves it; an unusable one says which key is wrong. */
class CertManagerSecretTest {
    private static final CertificateIssuer ISSUER = new CertificateIssuer(Clock.systemUTC());
    private static final CertificateAuthority CA = ISSUER.newAuthority("issuer", Duration.ofDays(10));
    private static final String SERVICE = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final ServingCertificate SERVING = ISSUER.issueServing(CA, List.of("kubectl-sidecar-agent.kubectl-sidecar.svc"),
            Duration.ofDays(1));

    private static GenericKubernetesResource secret(Map<String, String> text) {
        Map<String, String> data = new LinkedHashMap<>();
        text.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        GenericKubernetesResource secret = new GenericKubernetesResource();
        secret.setMetadata(new ObjectMetaBuilder().withName(InClusterSettings.CERT_MANAGER_TLS_SECRET).build());
        secret.setAdditionalProperty("data", data);
        return secret;
    }

    private static ServingBundle decodeFor(GenericKubernetesResource secret) {
        return CertManagerSecret.decode(secret, SERVICE);
    }

    @Test
    void aCertificateThatDoesNotNameTheServiceIsNotServed() {
        ServingCertificate other = ISSUER.issueServing(CA, List.of("other.example", "kubectl-sidecar-agent"), Duration.ofDays(1));
        assertThatThrownBy(() -> decodeFor(secret(Map.of("tls.crt", Pem.certificates(List.of(other.certificate())),
                "tls.key", Pem.privateKey(other.key())))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tls.crt: the certificate does not name kubectl-sidecar-agent.kubectl-sidecar.svc (its DNS names: "
                        + "other.example, kubectl-sidecar-agent)");
    }

    @Test
    void servesTheWholeChainWithTheKeyAndTheIssuingCa() {
        String chain = Pem.certificates(List.of(SERVING.certificate(), CA.certificate())); // leaf, then the intermediate
        ServingBundle bundle = decodeFor(secret(Map.of("tls.crt", chain, "tls.key", Pem.privateKey(SERVING.key()),
                "ca.crt", CA.certificatePem())));
        assertThat(bundle.certChainPem()).isEqualTo(chain);
        assertThat(bundle.keyPem()).isEqualTo(Pem.privateKey(SERVING.key()));
        assertThat(bundle.caCertsPem()).isEqualTo(CA.certificatePem());
        assertThat(bundle.notAfter()).isEqualTo(SERVING.notAfter());
    }

    @Test
    void anIssuerWithoutCaCrtStillServes() {
        ServingBundle bundle = decodeFor(secret(Map.of("tls.crt", Pem.certificates(List.of(SERVING.certificate())),
                "tls.key", Pem.privateKey(SERVING.key()))));
        assertThat(bundle.caCertsPem()).isEmpty();
    }

    @Test
    void anUnusableSecretSaysWhichKey() {
        String leaf = Pem.certificates(List.of(SERVING.certificate()));
        assertThatThrownBy(() -> decodeFor(secret(Map.of("tls.crt", leaf))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tls.key: missing");
        ServingCertificate other = ISSUER.issueServing(CA, List.of("other.example"), Duration.ofDays(1));
        assertThatThrownBy(() -> decodeFor(secret(Map.of("tls.crt", leaf, "tls.key", Pem.privateKey(other.key())))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key does not");
        assertThatThrownBy(() -> decodeFor(secret(Map.of("tls.crt", "not PEM", "tls.key", Pem.privateKey(SERVING.key())))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tls.crt");
    }
}
