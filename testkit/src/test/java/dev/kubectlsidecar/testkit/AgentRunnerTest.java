package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.agent.AgentLauncher;
import dev.kubectlsidecar.testkit.agent.RunningAgent;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The agent's Deployment "runs" through a launcher; here a fake one, an in-test HTTPS server. */
class AgentRunnerTest {
    static final String NAMESPACE = "kubectl-sidecar";
    static final String NAME = "kubectl-sidecar-agent";
    static final String PROXY = "/api/v1/namespaces/" + NAMESPACE + "/services/https:" + NAME + ":443/proxy";

    private final List<FakeAgent> started = new CopyOnWriteArrayList<>();
    private LocalCluster cluster;
    private KubernetesClient client;

    /** An agent that is an HTTPS server of this test; remembers the Deployment it was started for. */
    private record FakeAgent(TestHttpsServer server, JsonNode deployment, List<Boolean> stopped)
            implements RunningAgent {
        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public void stop() {
            server.close();
            stopped.add(true);
        }
    }

    @BeforeEach
    void start() {
        TestCertificates certificates = TestCertificates.issue(NAME + "." + NAMESPACE + ".svc");
        AgentLauncher launcher = (apiServerUrl, deployment) -> {
            TestHttpsServer server = TestHttpsServer.start(certificates, request ->
                    request.uri().startsWith("/readyz") ? new TestHttpsServer.Answer(200, "text/plain", "ok")
                            : TestHttpsServer.Answer.json("{\"pods\":[],\"asked\":\"" + request.uri() + "\"}"));
            FakeAgent agent = new FakeAgent(server, deployment, new CopyOnWriteArrayList<>());
            started.add(agent);
            return agent;
        };
        cluster = LocalCluster.builder().agentLauncher(launcher).start();
        client = cluster.client();
        client.resource(TestManifests.AGENT_NAMESPACE).create();
        client.resource(TestManifests.AGENT_SERVICE).create();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void theDeploymentRunsBecomesAvailableAndItsPodsRun() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();

        Deployment available = client.apps().deployments().inNamespace(NAMESPACE).withName(NAME)
                .waitUntilCondition(d -> d != null && d.getStatus() != null
                        && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas()), 30, TimeUnit.SECONDS);

        assertThat(available.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(started).singleElement()
                .satisfies(agent -> assertThat(agent.deployment().path("metadata").path("name").asString()).isEqualTo(NAME));
        awaitTrue(() -> client.pods().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count() == 2);
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems();
        assertThat(pods).allSatisfy(pod -> {
            assertThat(pod.getMetadata().getName()).matches(NAME + "-[0-9a-f]{10}-[a-z0-9]{5}");
            assertThat(pod.getMetadata().getLabels()).containsEntry("app", NAME).containsKey("pod-template-hash");
            assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("ReplicaSet"));
        });
    }

    @Test
    void theServiceProxyReachesTheAgentAtItsRoute() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        String status = client.raw(PROXY + "/api/v1/status?namespace=shop");

        assertThat(status).isEqualTo("{\"pods\":[],\"asked\":\"/api/v1/status?namespace=shop\"}");
    }

    @Test
    void kubectlGetRawReachesTheAgentThroughTheProxy(@TempDir Path dir) {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on PATH");
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        Kubectl.Result result = Kubectl.run(cluster.writeKubeconfig(dir.resolve("kubeconfig")),
                "get", "--raw", PROXY + "/api/v1/status?pod=web");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("{\"pods\":[],\"asked\":\"/api/v1/status?pod=web\"}");
    }

    @Test
    void withoutHttpsInTheServiceNameTheProxySpeaksPlainHttpAsARealOneDoes() throws Exception {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        assertThatThrownBy(() -> client.raw("/api/v1/namespaces/" + NAMESPACE + "/services/" + NAME + ":443/proxy/x"))
                .hasMessageContaining("error trying to reach service: EOF");
        HttpResponse<String> missing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.url()
                + "/api/v1/namespaces/" + NAMESPACE + "/services/https:missing:443/proxy/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JsonMappers.JSON.readTree(missing.body()).path("message").asString())
                .isEqualTo("services \"missing\" not found");
    }

    @Test
    void deletingTheDeploymentStopsTheAgentAndItsPods() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).delete();

        awaitTrue(() -> !started.get(0).stopped().isEmpty());
        awaitTrue(() -> client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
        assertThatThrownBy(() -> client.raw(PROXY + "/api/v1/status"))
                .hasMessageContaining("no endpoints available for service \"" + NAME + "\"");
    }

    @Test
    void aChangedPodTemplateRestartsTheAgent() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).edit(d -> {
            d.getSpec().getTemplate().getMetadata().getAnnotations().put("kubectl.kubernetes.io/restartedAt", "now");
            return d;
        });

        awaitTrue(() -> started.size() == 2 && !started.get(0).stopped().isEmpty());
        awaitTrue(() -> started.get(1).server().received().stream().anyMatch(r -> r.uri().startsWith("/readyz")));
        assertThat(client.raw(PROXY + "/x")).contains("\"asked\":\"/x\"");
    }

    @Test
    void aKilledAgentStaysDownUntilItIsRestarted() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        cluster.agents().kill(NAMESPACE);

        assertThat(started.get(0).stopped()).isNotEmpty();
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get().getStatus().getReadyReplicas())
                .isNull();
        assertThatThrownBy(() -> client.raw(PROXY + "/x"))
                .hasMessageContaining("error trying to reach service: dial tcp 127.0.0.1:")
                .hasMessageContaining("connection refused");

        assertThat(cluster.agents().restart(NAMESPACE)).isTrue();

        assertThat(started).hasSize(2);
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get().getStatus().getReadyReplicas())
                .isEqualTo(2);
        assertThat(client.raw(PROXY + "/x")).contains("\"asked\":\"/x\"");
        assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).as("the same pods, restarted").hasSize(2);
    }

    @Test
    void replacingTheDeploymentUnchangedKeepsItsStatusAndItsAgent() {
        client.resource(TestManifests.AGENT_DEPLOYMENT).create();
        awaitAvailable();

        Deployment replaced = (Deployment) client.resource(TestManifests.AGENT_DEPLOYMENT).update();

        assertThat(replaced.getStatus().getReadyReplicas()).as("status is a subresource: a PUT leaves it").isEqualTo(2);
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get().getStatus().getReadyReplicas())
                .isEqualTo(2);
        assertThat(started).singleElement().satisfies(agent -> assertThat(agent.stopped()).isEmpty());
    }

    @Test
    void aClusterWithoutALauncherHasNoAgentsToKill() {
        try (LocalCluster plain = LocalCluster.builder().runInitContainers(false).start()) {
            assertThatThrownBy(plain::agents).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runs no agent");
        }
    }

    private void awaitAvailable() {
        client.apps().deployments().inNamespace(NAMESPACE).withName(NAME)
                .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
                        && d.getStatus().getAvailableReplicas() > 0, 30, TimeUnit.SECONDS);
    }

    static void awaitTrue(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 30s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
