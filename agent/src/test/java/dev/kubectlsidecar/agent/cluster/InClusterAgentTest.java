package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.AgentOptions;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent as it runs in a cluster, against the mock API server: it creates its certificates, writes the
 * caBundle, serves the webhook to a client that trusts only that caBundle, and follows its ConfigMap.
 */
@EnableKubernetesMockClient(crud = true)
class InClusterAgentTest {
    private static final String SERVICE_DNS = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void servesWithItsOwnCertificateAndFollowsItsConfigMap() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        InClusterSettings settings = new InClusterSettings("kubectl-sidecar", "kubectl-sidecar-agent", WebhookFixtures.NAME, "agent-0");
        AgentOptions options = new AgentOptions(false, "127.0.0.1", 0, null, null, null, "kubectl-sidecar", KubeVersion.UNKNOWN, 1,
                Duration.ofSeconds(1), null);

        try (InClusterAgent agent = InClusterAgent.start(options, client, settings, TlsMode.SELF_MANAGED)) {
            Poll.until("caBundle written", () -> WebhookFixtures.caBundles(client, WebhookFixtures.NAME).stream().noneMatch(String::isEmpty));
            String bundle = WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0);
            assertThat(client.secrets().inNamespace("kubectl-sidecar").withName(InClusterSettings.TLS_SECRET).get()).isNotNull();
            SSLContext trustingTheBundle = TlsContexts.clientTrusting(bundle);
            int port = agent.agent().port();

            assertThat(proxyImage(trustingTheBundle, port)).isEqualTo("docker.io/envoyproxy/envoy:v1.36.2");

            client.configMaps().inNamespace("kubectl-sidecar").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName(InClusterSettings.CONFIG_MAP).endMetadata()
                    .addToData(InClusterSettings.CONFIG_KEY, "defaultProfile: p\nprofiles: {p: {proxyImage: example/envoy:cm, initImage: i}}\n")
                    .build()).create();
            Poll.until("the ConfigMap's config is used", () -> "example/envoy:cm".equals(proxyImage(trustingTheBundle, port)));
        }
    }

    /** POSTs a pod review as the API server would: to the Service's DNS name, verifying the certificate for it. */
    static String proxyImage(SSLContext tls, int port) {
        ObjectNode review = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "u1").put("operation", "CREATE").put("namespace", "shop");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("object").putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "app:1");
        byte[] body = JsonMappers.JSON.writeValueAsBytes(review);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
             SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, SERVICE_DNS, port, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /inject HTTP/1.1\r\nHost: " + SERVICE_DNS + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode answer = JsonMappers.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4)).path("response");
            JsonNode patch = JsonMappers.JSON.readTree(Base64.getDecoder().decode(answer.path("patch").asString()));
            for (JsonNode op : patch) {
                JsonNode value = op.path("value");
                if (op.path("path").asString().startsWith("/spec/containers") && "istio-proxy".equals(value.path("name").asString(null))) {
                    return value.path("image").asString();
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
