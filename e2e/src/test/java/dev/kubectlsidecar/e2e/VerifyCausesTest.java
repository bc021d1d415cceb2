package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code verify} names the cause of a refused dry-run injection from the API server's error, with its fix, and
 * finds other injectors matching the same pods. The local cluster's admission answers with the API server's own
 * wording for each failure; the webhook configuration is the agent's, its Service routed where each cause happens.
 */
class VerifyCausesTest {
    private static final String SERVICE = "kubectl-sidecar-agent";
    private static final String NAMESPACE = "kubectl-sidecar";

    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static KubernetesClient client;
    static Plugin plugin;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().runInitContainers(false).start();
        client = cluster.client();
        plugin = new Plugin(cluster.writeKubeconfig(dir.resolve("kubeconfig")));
        for (String name : List.of(NAMESPACE, "shop")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void agentWebhook(String caBundle, int timeoutSeconds) {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").delete();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("kubectl-sidecar").endMetadata()
                .addNewWebhook().withName("object.sidecar.kubectl-sidecar.dev").withFailurePolicy("Fail").withSideEffects("None")
                .withAdmissionReviewVersions("v1").withTimeoutSeconds(timeoutSeconds)
                .withNewClientConfig().withCaBundle(caBundle).withNewService().withNamespace(NAMESPACE).withName(SERVICE)
                .withPath("/inject").withPort(443).endService().endClientConfig()
                .addNewRule().withOperations("CREATE").withApiGroups("").withApiVersions("v1").withResources("pods").endRule()
                .endWebhook().build()).create();
    }

    /** The dry-run check's line and its hint, from {@code verify -n shop -o json}. */
    private static JsonNode dryRunCheck() {
        Plugin.Result verify = plugin.run("verify", "-n", "shop", "-o", "json");
        assertThat(verify.exitCode()).as(verify.both()).isEqualTo(1);
        for (JsonNode check : JsonMappers.JSON.readTree(verify.out()).path("checks")) {
            if (check.path("message").asString().startsWith("a dry-run pod in namespace shop")) {
                return check;
            }
        }
        throw new AssertionError("no dry-run check in " + verify.out());
    }

    private static String someCaBundle() {
        return Base64.getEncoder().encodeToString("not a certificate".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void eachRefusalIsClassifiedWithItsFix() throws Exception {
        agentWebhook(someCaBundle(), 1);

        JsonNode noEndpoints = dryRunCheck();
        assertThat(noEndpoints.path("message").asString()).contains("no endpoints available for service");
        assertThat(noEndpoints.path("hint").asString()).startsWith("no ready agent pod backs the Service " + SERVICE);

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        cluster.routeService(NAMESPACE, SERVICE, "127.0.0.1", closed);
        JsonNode certificate = dryRunCheck();
        assertThat(certificate.path("message").asString()).contains("x509");
        assertThat(certificate.path("hint").asString()).startsWith("the API server does not trust the agent's certificate")
                .contains("--gitops");

        CertificateAuthority ca = new CertificateIssuer(Clock.systemUTC()).newAuthority("verify-test-ca", Duration.ofDays(1));
        String validCa = Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
        agentWebhook(validCa, 1);
        JsonNode refused = dryRunCheck();
        assertThat(refused.path("message").asString()).contains("connection refused");
        assertThat(refused.path("hint").asString()).startsWith("the agent's address refused the connection");

        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered: the TLS handshake waits
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            cluster.routeService(NAMESPACE, SERVICE, "127.0.0.1", silent.getLocalPort());
            JsonNode timeout = dryRunCheck();
            assertThat(timeout.path("message").asString()).contains("deadline exceeded");
            assertThat(timeout.path("hint").asString()).startsWith("the API server's call to the agent timed out")
                    .contains("gcloud compute firewall-rules create").contains("--port 10250");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").delete();
    }

    @Test
    void istiodsInjectorOnTheSameNamespacesIsFound() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(IstiodWebhooks.of("istio-sidecar-injector",
                "namespace.sidecar-injector.istio.io",
                new LabelSelectorBuilder().addToMatchLabels("istio-injection", "enabled").build(),
                new LabelSelectorBuilder().addNewMatchExpression().withKey("sidecar.istio.io/inject").withOperator("NotIn")
                        .withValues("false").endMatchExpression().build())).create();
        try {
            Plugin.Result enable = plugin.run("enable", "shop", "--force");
            assertThat(enable.err()).contains("warning: Istio's webhook istio-sidecar-injector/namespace.sidecar-injector.istio.io "
                    + "also injects pods of namespace shop");

            Plugin.Result verify = plugin.run("verify", "-o", "json");
            JsonNode overlap = null;
            for (JsonNode check : JsonMappers.JSON.readTree(verify.out()).path("checks")) {
                if (check.path("message").asString().contains("other injector webhook")) {
                    overlap = check;
                }
            }
            assertThat(overlap).as(verify.out()).isNotNull();
            assertThat(overlap.path("result").asString()).isEqualTo("warn");
            assertThat(overlap.path("details").toString()).contains("istio-sidecar-injector/namespace.sidecar-injector.istio.io")
                    .contains("shop");
            assertThat(overlap.path("hint").asString()).contains("istio.io/rev");
        } finally {
            client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("istio-sidecar-injector").delete();
            plugin.run("disable", "shop");
        }
    }
}
