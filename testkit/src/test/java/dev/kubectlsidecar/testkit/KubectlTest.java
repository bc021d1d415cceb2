package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The real kubectl against the local cluster. */
class KubectlTest {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static LocalCluster cluster;
    private static KubernetesClient client;
    private static Path kubeconfig;

    @TempDir
    static Path dir;
    private String namespace;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
        cluster = LocalCluster.builder().serverVersion("v1.29.4").start();
        client = cluster.client();
        kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void freshNamespace() {
        namespace = "kubectl-" + NAMESPACES.incrementAndGet();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
    }

    @Test
    void getNamespacesShowsTheOnesEveryClusterStartsWith() {
        assertThat(succeeded(kubectl("get", "ns", "-o", "name")))
                .contains("namespace/default\n", "namespace/kube-system\n", "namespace/kube-public\n",
                        "namespace/kube-node-lease\n", "namespace/" + namespace + "\n");
    }

    @Test
    void createNamespaceFromAFileAndImperatively() throws IOException {
        Path manifest = Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");

        assertThat(succeeded(kubectl("create", "-f", manifest.toString(), "--validate=false")))
                .isEqualTo("namespace/shop created\n");
        assertThat(succeeded(kubectl("create", "ns", "imperative"))).isEqualTo("namespace/imperative created\n");
        assertThat(succeeded(kubectl("get", "ns", "shop", "-o", "jsonpath={.metadata.labels}")))
                .isEqualTo("{\"kubernetes.io/metadata.name\":\"shop\"}");
    }

    @Test
    void applyAndCreateDeployments() throws IOException {
        Path web = Files.writeString(dir.resolve("web-" + namespace + ".yaml"), deployment("web", "nginx:1.27"));
        Path api = Files.writeString(dir.resolve("api-" + namespace + ".yaml"), deployment("api", "nginx:1.27"));

        assertThat(succeeded(kubectl("apply", "--validate=false", "-f", web.toString())))
                .isEqualTo("deployment.apps/web created\n");
        assertThat(succeeded(kubectl("apply", "--validate=false", "-f", web.toString())))
                .isEqualTo("deployment.apps/web unchanged\n");
        assertThat(succeeded(kubectl("create", "--validate=false", "-f", api.toString())))
                .isEqualTo("deployment.apps/api created\n");
        assertThat(succeeded(kubectl("get", "deploy", "-n", namespace, "-o", "name")))
                .isEqualTo("deployment.apps/api\ndeployment.apps/web\n");
    }

    @Test
    void createValidatesNothingButNeedsNoFlagAndNamesWhatAlreadyExists() throws IOException {
        Path db = Files.writeString(dir.resolve("db-" + namespace + ".yaml"), deployment("db", "postgres:16"));

        assertThat(succeeded(kubectl("create", "-f", db.toString()))).isEqualTo("deployment.apps/db created\n");
        Kubectl.Result again = kubectl("create", "-f", db.toString());

        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("Error from server (AlreadyExists)", "deployments.apps \"db\" already exists");
        assertThat(kubectl("get", "deploy", "nothing").stderr())
                .contains("Error from server (NotFound): deployments.apps \"nothing\" not found");
    }

    @Test
    void applyingAChangeToAnExistingObjectSaysWhatIsNotSupported() throws IOException {
        Path web = Files.writeString(dir.resolve("change-" + namespace + ".yaml"), deployment("web", "nginx:1.27"));
        succeeded(kubectl("apply", "--validate=false", "-f", web.toString()));
        Files.writeString(web, deployment("web", "nginx:1.28"));

        Kubectl.Result result = kubectl("apply", "--validate=false", "-f", web.toString());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("the local cluster does not support application/strategic-merge-patch+json");
    }

    @Test
    void labelAndUnlabelANamespace() {
        assertThat(succeeded(kubectl("label", "ns", namespace, "istio-injection=enabled")))
                .isEqualTo("namespace/" + namespace + " labeled\n");
        assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels())
                .containsEntry("istio-injection", "enabled");

        succeeded(kubectl("label", "ns", namespace, "istio-injection-"));

        assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels())
                .doesNotContainKey("istio-injection");
    }

    @Test
    void getPodsInAllNamespacesAsJsonShowsRunningPods() {
        client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod(namespace, "web"))).create();
        client.pods().inNamespace(namespace).withName("web").waitUntilCondition(
                p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);

        JsonNode list = JsonMappers.JSON.readTree(succeeded(kubectl("get", "pods", "-A", "-o", "json")));

        assertThat(list.path("kind").asString()).isEqualTo("List");
        JsonNode pod = null;
        for (JsonNode item : list.path("items")) {
            if (item.path("metadata").path("namespace").asString().equals(namespace)) {
                pod = item;
            }
        }
        assertThat(pod).isNotNull();
        assertThat(pod.path("metadata").path("name").asString()).isEqualTo("web");
        assertThat(pod.path("status").path("phase").asString()).isEqualTo("Running");
        assertThat(pod.path("spec").path("nodeName").asString()).isEqualTo("local-node");
    }

    @Test
    void getRawReadsAnObject() {
        JsonNode namespaceObject = JsonMappers.JSON.readTree(succeeded(kubectl("get", "--raw", "/api/v1/namespaces/" + namespace)));

        assertThat(namespaceObject.path("kind").asString()).isEqualTo("Namespace");
        assertThat(namespaceObject.path("metadata").path("name").asString()).isEqualTo(namespace);
        assertThat(namespaceObject.path("status").path("phase").asString()).isEqualTo("Active");
    }

    @Test
    void theServerVersionIsTheConfiguredOne() {
        JsonNode version = JsonMappers.JSON.readTree(succeeded(kubectl("version", "-o", "json")));

        assertThat(version.path("serverVersion").path("gitVersion").asString()).isEqualTo("v1.29.4");
        assertThat(version.path("serverVersion").path("minor").asString()).isEqualTo("29");
    }

    @Test
    void watchingStreamsEventsOverPlainHttp() throws InterruptedException {
        client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod(namespace, "watched"))).create();

        // kubectl lists, then watches from the list's resourceVersion: only changes after that are events (the
        // pod's creation is not), so the pod is changed until the watch ends
        CompletableFuture<Kubectl.Result> watching = CompletableFuture.supplyAsync(() ->
                kubectl("get", "pods", "-n", namespace, "--watch-only", "-o", "name", "--request-timeout=3s"));
        for (int change = 0; !watching.isDone(); change++) {
            String touched = Integer.toString(change);
            client.pods().inNamespace(namespace).withName("watched").edit(pod -> {
                pod.getMetadata().getLabels().put("touched", touched);
                return pod;
            });
            Thread.sleep(200);
        }

        assertThat(watching.join().stdout()).contains("pod/watched");
    }

    private static String deployment(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                      containers:
                      - name: %s
                        image: %s
                """.formatted(name, name, name, name, image);
    }

    private Kubectl.Result kubectl(String... args) {
        String[] withNamespace = new String[args.length + 2];
        withNamespace[0] = "--namespace";
        withNamespace[1] = namespace;
        System.arraycopy(args, 0, withNamespace, 2, args.length);
        return Kubectl.run(kubeconfig, withNamespace);
    }

    private static String succeeded(Kubectl.Result result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result.stdout();
    }
}
