package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class PodAdmissionTest {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static LocalCluster cluster;
    private static KubernetesClient client;
    private static TestCertificates certificates;

    private TestHttpsServer webhook;
    private String namespace;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start();
        client = cluster.client();
        certificates = TestCertificates.issue(TestWebhooks.DNS_NAME);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void labelledNamespace() {
        namespace = "admission-" + NAMESPACES.incrementAndGet();
        createNamespace(namespace, Map.of("istio-injection", "enabled"));
    }

    @AfterEach
    void removeWebhooks() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
        if (webhook != null) {
            webhook.close();
        }
    }

    @Test
    void aMatchingWebhookMutatesThePodBeforeItIsStored() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        Pod created = create(TestWebhooks.pod(namespace, "web"));

        assertThat(created.getMetadata().getLabels()).containsEntry("mutated-by", "test-webhook");
        assertThat(stored("web").getMetadata().getLabels()).containsEntry("mutated-by", "test-webhook");
        assertThat(webhook.received()).hasSize(1);
        TestHttpsServer.Received call = webhook.received().get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.uri()).isEqualTo("/mutate?timeout=5s");
        JsonNode request = JsonMappers.JSON.readTree(call.body()).path("request");
        assertThat(request.path("uid").asString()).isNotEmpty();
        assertThat(request.path("operation").asString()).isEqualTo("CREATE");
        assertThat(request.path("namespace").asString()).isEqualTo(namespace);
        assertThat(request.path("kind").path("kind").asString()).isEqualTo("Pod");
        assertThat(request.path("resource").path("resource").asString()).isEqualTo("pods");
        assertThat(request.path("dryRun").asBoolean()).isFalse();
        assertThat(request.path("object").path("metadata").path("name").asString()).isEqualTo("web");
        assertThat(request.path("userInfo").path("username").asString()).isNotEmpty();
    }

    @Test
    void aWebhookMayCallTheApiServerBackWhileTheCreateWaits() {
        serve(request -> {
            String team = client.namespaces().withName(namespace).get().getMetadata().getLabels().get("istio-injection");
            int pods = client.pods().inNamespace(namespace).list().getItems().size();
            String patch = "[{\"op\":\"add\",\"path\":\"/metadata/labels/seen\",\"value\":\"" + team + "-" + pods + "\"}]";
            return TestHttpsServer.Answer.json(TestWebhooks.answer(TestWebhooks.uid(request), true, patch, null));
        });
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        for (int i = 0; i < 5; i++) {
            assertThat(create(TestWebhooks.pod(namespace, "web-" + i)).getMetadata().getLabels())
                    .containsEntry("seen", "enabled-" + i);
        }
    }

    @Test
    void aGeneratedNameIsChosenAfterAdmission() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));
        ObjectNode pod = TestWebhooks.pod(namespace, "ignored");
        ((ObjectNode) pod.path("metadata")).remove("name");
        ((ObjectNode) pod.path("metadata")).put("generateName", "web-");

        Pod created = create(pod);

        assertThat(created.getMetadata().getName()).matches("web-[a-z0-9]{5}");
        assertThat(stored(created.getMetadata().getName()).getMetadata().getLabels()).containsKey("mutated-by");
        JsonNode request = JsonMappers.JSON.readTree(webhook.received().get(0).body()).path("request");
        assertThat(request.has("name")).isFalse();
        assertThat(request.path("object").path("metadata").path("generateName").asString()).isEqualTo("web-");
    }

    @Test
    void aNamespaceTheSelectorDoesNotMatchIsNotSentToTheWebhook() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));
        String plain = namespace + "-plain";
        createNamespace(plain, Map.of());

        Pod created = create(TestWebhooks.pod(plain, "web"));

        assertThat(created.getMetadata().getLabels()).doesNotContainKey("mutated-by");
        assertThat(webhook.received()).isEmpty();
    }

    @Test
    void theNamespaceSelectorSeesTheAutomaticNameLabel() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        ObjectNode configuration = TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail");
        ObjectNode selector = TestWebhooks.webhook(configuration).putObject("namespaceSelector");
        selector.putArray("matchExpressions").addObject().put("key", "kubernetes.io/metadata.name")
                .put("operator", "In").putArray("values").add(namespace);
        register(configuration);

        assertThat(create(TestWebhooks.pod(namespace, "web")).getMetadata().getLabels())
                .containsEntry("mutated-by", "test-webhook");
    }

    @Test
    void aPodTheObjectSelectorDoesNotMatchIsNotSentToTheWebhook() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        ObjectNode configuration = TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail");
        TestWebhooks.webhook(configuration).putObject("objectSelector").putArray("matchExpressions").addObject()
                .put("key", "sidecar.istio.io/inject").put("operator", "NotIn").putArray("values").add("false");
        register(configuration);
        ObjectNode optedOut = TestWebhooks.pod(namespace, "opted-out");
        ((ObjectNode) optedOut.path("metadata").path("labels")).put("sidecar.istio.io/inject", "false");

        assertThat(create(optedOut).getMetadata().getLabels()).doesNotContainKey("mutated-by");
        assertThat(webhook.received()).isEmpty();
        assertThat(create(TestWebhooks.pod(namespace, "web")).getMetadata().getLabels())
                .containsEntry("mutated-by", "test-webhook");
        assertThat(webhook.received()).hasSize(1);
    }

    @Test
    void aCertificateTheCaBundleDoesNotVouchForFailsTheCreateUnderFailurePolicyFail() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        TestCertificates otherCa = TestCertificates.issue(TestWebhooks.DNS_NAME);
        register(TestWebhooks.configuration("test-injector", otherCa.caBundle(), "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(500))
                .hasMessageContaining("Internal error occurred: failed calling webhook \"label.test.dev\": "
                        + "failed to call webhook: Post \"https://test-webhook.webhooks.svc:443/mutate?timeout=5s\": "
                        + "tls: failed to verify certificate: x509: certificate signed by unknown authority");
        assertThat(client.pods().inNamespace(namespace).withName("web").get()).isNull();
    }

    @Test
    void aCertificateForAnotherNameIsRefusedEvenFromTheRightCa() {
        TestCertificates wrongName = TestCertificates.issue("somebody-else.webhooks.svc");
        webhook = TestHttpsServer.start(wrongName, TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        cluster.routeService(TestWebhooks.NAMESPACE, TestWebhooks.SERVICE, "127.0.0.1", webhook.port());
        register(TestWebhooks.configuration("test-injector", wrongName.caBundle(), "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .hasMessageContaining("tls: failed to verify certificate: x509: certificate is not valid for test-webhook.webhooks.svc");
        assertThat(webhook.received()).isEmpty();
    }

    @Test
    void kubectlCreateGoesThroughAdmissionToo(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));
        Path manifest = Files.writeString(dir.resolve("pod.yaml"),
                JsonMappers.YAML.writeValueAsString(TestWebhooks.pod(namespace, "from-kubectl")));

        Kubectl.Result result = Kubectl.run(cluster.writeKubeconfig(dir.resolve("kubeconfig")),
                "create", "--validate=false", "-f", manifest.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("pod/from-kubectl created");
        assertThat(stored("from-kubectl").getMetadata().getLabels()).containsEntry("mutated-by", "test-webhook");
    }

    @Test
    void kubectlShowsARejectionAsTheApiServerWouldWord(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
        serve(TestWebhooks.denying("no pods today"));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));
        Path manifest = Files.writeString(dir.resolve("pod.yaml"),
                JsonMappers.YAML.writeValueAsString(TestWebhooks.pod(namespace, "from-kubectl")));

        Kubectl.Result result = Kubectl.run(cluster.writeKubeconfig(dir.resolve("kubeconfig")),
                "create", "--validate=false", "-f", manifest.toString());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("admission webhook \"label.test.dev\" denied the request: no pods today");
    }

    @Test
    void aWebhookAtAUrlIsCalledThere() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        ObjectNode configuration = TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail");
        ObjectNode clientConfig = (ObjectNode) TestWebhooks.webhook(configuration).path("clientConfig");
        clientConfig.remove("service");
        clientConfig.put("url", "https://127.0.0.1:" + webhook.port() + "/by-url");
        register(configuration);

        assertThat(create(TestWebhooks.pod(namespace, "web")).getMetadata().getLabels())
                .containsEntry("mutated-by", "test-webhook");
        assertThat(webhook.received()).singleElement()
                .satisfies(call -> assertThat(call.uri()).isEqualTo("/by-url?timeout=5s"));
    }

    @Test
    void theWebhooksWarningsReachKubectl(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
        serve(request -> {
            ObjectNode review = (ObjectNode) JsonMappers.JSON.readTree(
                    TestWebhooks.answer(TestWebhooks.uid(request), true, null, null));
            ((ObjectNode) review.path("response")).putArray("warnings").add("annotation sidecar.example/x is ignored");
            return TestHttpsServer.Answer.json(JsonMappers.JSON.writeValueAsString(review));
        });
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));
        Path manifest = Files.writeString(dir.resolve("pod.yaml"),
                JsonMappers.YAML.writeValueAsString(TestWebhooks.pod(namespace, "warned")));

        Kubectl.Result result = Kubectl.run(cluster.writeKubeconfig(dir.resolve("kubeconfig")),
                "create", "-f", manifest.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).contains("Warning: annotation sidecar.example/x is ignored");
    }

    @Test
    void noCaBundleTrustsNothing() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", null, "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .hasMessageContaining("certificate signed by unknown authority");
    }

    @Test
    void failurePolicyIgnoreAdmitsThePodUnmutatedWhenTheCallFails() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        TestCertificates otherCa = TestCertificates.issue(TestWebhooks.DNS_NAME);
        register(TestWebhooks.configuration("test-injector", otherCa.caBundle(), "Ignore"));

        assertThat(create(TestWebhooks.pod(namespace, "web")).getMetadata().getLabels())
                .doesNotContainKey("mutated-by");
        assertThat(stored("web")).isNotNull();
    }

    @Test
    void aWebhookThatIsDownFailsOrIsIgnoredByPolicy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        cluster.routeService(TestWebhooks.NAMESPACE, TestWebhooks.SERVICE, "127.0.0.1", closedPort);
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .hasMessageContaining("failed calling webhook \"label.test.dev\": failed to call webhook: "
                        + "Post \"https://test-webhook.webhooks.svc:443/mutate?timeout=5s\": dial tcp 127.0.0.1:"
                        + closedPort + ": connect: connection refused");

        client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Ignore"));
        assertThat(create(TestWebhooks.pod(namespace, "web")).getMetadata().getLabels())
                .doesNotContainKey("mutated-by");
    }

    @Test
    void aWebhookThatAnswersTooLateFailsTheCreate() {
        serve(request -> {
            Thread.sleep(2000);
            return TestHttpsServer.Answer.json(TestWebhooks.answer(TestWebhooks.uid(request), true, null, null));
        });
        ObjectNode configuration = TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail");
        TestWebhooks.webhook(configuration).put("timeoutSeconds", 1);
        register(configuration);

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .hasMessageContaining("/mutate?timeout=1s\": context deadline exceeded");
    }

    @Test
    void anAnswerForAnotherRequestIsAnInvalidResponse() {
        serve(request -> TestHttpsServer.Answer.json(TestWebhooks.answer("not-the-uid", true, null, null)));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .hasMessageContaining("failed calling webhook \"label.test.dev\": received invalid webhook response: "
                        + "expected response.uid=");
    }

    @Test
    void aDenialRejectsTheCreateWithTheWebhooksMessage() {
        serve(TestWebhooks.denying("no pods today"));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        assertThatThrownBy(() -> create(TestWebhooks.pod(namespace, "web")))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400))
                .hasMessageContaining("admission webhook \"label.test.dev\" denied the request: no pods today");
        assertThat(client.pods().inNamespace(namespace).withName("web").get()).isNull();
    }

    @Test
    void aDryRunReturnsTheMutatedPodAndStoresNothing() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        register(TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail"));

        Pod answer = client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod(namespace, "web")))
                .dryRun().create() instanceof Pod pod ? pod : null;

        assertThat(answer).isNotNull();
        assertThat(answer.getMetadata().getLabels()).containsEntry("mutated-by", "test-webhook");
        assertThat(client.pods().inNamespace(namespace).withName("web").get()).isNull();
        assertThat(JsonMappers.JSON.readTree(webhook.received().get(0).body()).path("request").path("dryRun").asBoolean())
                .isTrue();
    }

    @Test
    void aDryRunIsRefusedByAWebhookWithSideEffects() {
        serve(TestWebhooks.patching(TestWebhooks.ADD_LABEL));
        ObjectNode configuration = TestWebhooks.configuration("test-injector", certificates.caBundle(), "Fail");
        TestWebhooks.webhook(configuration).put("sideEffects", "Some");
        register(configuration);

        assertThatThrownBy(() -> client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod(namespace, "web")))
                .dryRun().create())
                .hasMessageContaining("admission webhook \"label.test.dev\" does not support dry run");
        assertThat(webhook.received()).isEmpty();
    }

    private void serve(TestHttpsServer.Handler handler) {
        webhook = TestHttpsServer.start(certificates, handler);
        cluster.routeService(TestWebhooks.NAMESPACE, TestWebhooks.SERVICE, "127.0.0.1", webhook.port());
    }

    private static void register(ObjectNode configuration) {
        client.resource(JsonMappers.JSON.writeValueAsString(configuration)).create();
    }

    private static void createNamespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).create();
    }

    private static Pod create(ObjectNode pod) {
        return (Pod) client.resource(JsonMappers.JSON.writeValueAsString(pod)).create();
    }

    private Pod stored(String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
    }
}
