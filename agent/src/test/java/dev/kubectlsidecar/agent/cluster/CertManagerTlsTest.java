package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.AgentOptions;
import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.injector.config.KubeVersion;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent in cert-manager mode against the mock API server: it serves the certificate cert-manager wrote, reloads
 * a renewal, and writes nothing (no Secret of its own, no Lease, no
 * caBundle: cert-manager and its CA injector own those).
 */
@EnableKubernetesMockClient(crud = true)
class CertManagerTlsTest {
    private static final String NS = "kubectl-sidecar";
    private static final CertificateIssuer ISSUER = new CertificateIssuer(Clock.systemUTC());
    static KubernetesMockServer server;
    static KubernetesClient client;

    /** What cert-manager writes for the agent's Certificate, signed by {@code ca}. */
    private static Secret issued(CertificateAuthority ca, ServingCertificate serving) {
        return new SecretBuilder().withNewMetadata().withName(InClusterSettings.CERT_MANAGER_TLS_SECRET).withNamespace(NS)
                .addToAnnotations("cert-manager.io/certificate-name", InClusterSettings.CERTIFICATE).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(Pem.certificates(List.of(serving.certificate()))),
                        "tls.key", base64(Pem.privateKey(serving.key())), "ca.crt", base64(ca.certificatePem())))
                .build();
    }

    private static ServingCertificate serving(CertificateAuthority ca) {
        return ISSUER.issueServing(ca, CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", NS), Duration.ofDays(30));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void servesAndReloadsWhatCertManagerWritesAndWritesNothing() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        CertificateAuthority first = ISSUER.newAuthority("cert-manager CA one", Duration.ofDays(365));
        client.secrets().inNamespace(NS).resource(issued(first, serving(first))).create();
        InClusterSettings settings = new InClusterSettings(NS, "kubectl-sidecar-agent", WebhookFixtures.NAME, "agent-0");
        AgentOptions options = new AgentOptions(false, "127.0.0.1", 0, null, null, null, NS, KubeVersion.UNKNOWN, 1,
                Duration.ofSeconds(1), null);

        try (InClusterAgent agent = InClusterAgent.start(options, client, settings, TlsMode.CERT_MANAGER)) {
            int port = agent.agent().port();
            assertThat(InClusterAgentTest.proxyImage(TlsContexts.clientTrusting(first.certificatePem()), port)).isNotNull();

            CertificateAuthority second = ISSUER.newAuthority("cert-manager CA two", Duration.ofDays(365));
            client.secrets().inNamespace(NS).resource(issued(second, serving(second))).update();
            Poll.until("the renewed certificate is served", () -> {
                try {
                    return InClusterAgentTest.proxyImage(TlsContexts.clientTrusting(second.certificatePem()), port) != null;
                } catch (IllegalStateException handshakeFailed) {
                    return false;
                } catch (java.security.GeneralSecurityException | java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> InClusterAgentTest.proxyImage(TlsContexts.clientTrusting(first.certificatePem()), port))
                    .as("the old certificate is no longer served").isInstanceOf(IllegalStateException.class);

            assertThat(client.secrets().inNamespace(NS).withName(InClusterSettings.TLS_SECRET).get()).as("no Secret of its own").isNull();
            assertThat(client.leases().inNamespace(NS).withName(InClusterSettings.LEASE).get()).as("no leader election").isNull();
            assertThat(WebhookFixtures.caBundles(client, WebhookFixtures.NAME)).as("the CA injector's field").allMatch(String::isEmpty);
        }
    }

    @Test
    void theModeComesFromTheEnvironmentAndANameItDoesNotKnowIsRefused() {
        assertThat(TlsMode.fromEnvironment(Map.of())).isEqualTo(TlsMode.SELF_MANAGED);
        assertThat(TlsMode.fromEnvironment(Map.of("AGENT_TLS_MODE", "cert-manager"))).isEqualTo(TlsMode.CERT_MANAGER);
        assertThat(TlsMode.fromEnvironment(Map.of("AGENT_TLS_MODE", "self-managed"))).isEqualTo(TlsMode.SELF_MANAGED);
        assertThatThrownBy(() -> TlsMode.fromEnvironment(Map.of("AGENT_TLS_MODE", "vault")))
                .hasMessage("AGENT_TLS_MODE: 'vault' is not self-managed or cert-manager");
    }
}
