package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.AgentOptions;
import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.MutableClock;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The TLS Secret holds certificates that expired long ago, when the agent starts or written while it runs (a
 * restore from an old backup): the agent never serves them, its leader replaces them at once, and the webhook works
 * again for a client that trusts only the caBundle, without anyone doing anything.
 */
@EnableKubernetesMockClient(crud = true)
class ExpiredCertificatesTest {
    static {
        Poll.quietMockServer();
    }

    private static final String NAMESPACE = "kubectl-sidecar";
    private static final String SERVICE_DNS = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final InClusterSettings SETTINGS = new InClusterSettings(NAMESPACE, "kubectl-sidecar-agent",
            WebhookFixtures.NAME, "agent-0");
    private static final AgentOptions OPTIONS = new AgentOptions(false, "127.0.0.1", 0, null, null, null, NAMESPACE, KubeVersion.UNKNOWN, 1,
            Duration.ofSeconds(1), null);

    KubernetesClient client;

    /** A CA and serving certificate issued two years ago, both expired for a year. */
    private static TlsMaterial expired() {
        MutableClock past = new MutableClock(Instant.now().minus(Duration.ofDays(730)));
        CertificateIssuer issuer = new CertificateIssuer(past);
        CertificateAuthority ca = issuer.newAuthority("kubectl-sidecar-agent-ca", Duration.ofDays(365));
        return new TlsMaterial(ca, Optional.empty(), List.of(),
                issuer.issueServing(ca, CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", NAMESPACE), Duration.ofDays(90)),
                past.instant());
    }

    private CertificateStore store() {
        return new CertificateStore(client, NAMESPACE, InClusterSettings.TLS_SECRET);
    }

    private String caBundle() {
        return WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0);
    }

    @Test
    void anExpiredSecretAtStartIsReplacedBeforeTheAgentServes() throws Exception {
        TlsMaterial old = expired();
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        store().loadOrCreate(() -> old);
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookFixtures.NAME).edit(configuration -> {
            configuration.getWebhooks().forEach(webhook -> webhook.getClientConfig().setCaBundle(
                    Base64.getEncoder().encodeToString(old.bundlePem().getBytes(StandardCharsets.US_ASCII))));
            return configuration;
        });

        try (InClusterAgent agent = InClusterAgent.start(OPTIONS, client, SETTINGS, TlsMode.SELF_MANAGED)) {
            int port = agent.agent().port();
            assertThat(served(port).getNotAfter().toInstant()).as("the certificate served from the start").isAfter(Instant.now());
            Poll.until("a caBundle without the expired CA", () -> !caBundle().equals(old.bundlePem()));

            assertThat(InClusterAgentTest.proxyImage(TlsContexts.clientTrusting(caBundle()), port))
                    .isEqualTo("docker.io/envoyproxy/envoy:v1.36.2");
            assertThat(store().load().orElseThrow().material().active().certificate().getNotAfter().toInstant())
                    .isAfter(Instant.now());
        }
    }

    @Test
    void anExpiredSecretWrittenWhileRunningIsNeverServedAndReplacedAtOnce() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        try (InClusterAgent agent = InClusterAgent.start(OPTIONS, client, SETTINGS, TlsMode.SELF_MANAGED)) {
            int port = agent.agent().port();
            Poll.until("caBundle written", () -> !caBundle().isEmpty());
            String before = caBundle();
            Set<X509Certificate> seen = ConcurrentHashMap.newKeySet();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread recorder = new Thread(() -> {
                while (watching.get()) {
                    try {
                        seen.add(served(port));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            recorder.start();

            store().replace(store().load().orElseThrow(), expired());

            // the leader looks when the Secret changes, not only at its next step (up to a minute away)
            Poll.until("a new caBundle", () -> !caBundle().equals(before));
            Poll.until("the webhook to answer a client trusting the new caBundle", () -> {
                try {
                    return "docker.io/envoyproxy/envoy:v1.36.2".equals(
                            InClusterAgentTest.proxyImage(TlsContexts.clientTrusting(caBundle()), port));
                } catch (Exception e) {
                    return false;
                }
            });
            watching.set(false);
            recorder.join();
            assertThat(seen).as("served certificates").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(certificate -> assertThat(certificate.getNotAfter().toInstant()).isAfter(Instant.now()));
        }
    }

    /** The certificate the agent presents, whoever signed it. */
    private static X509Certificate served(int port) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new TrustingEverything()}, null);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
             SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket(plain, SERVICE_DNS, port, true)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static final class TrustingEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
