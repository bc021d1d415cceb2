package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the webhook answers, checked against the engine called directly with the same pod and namespace. */
class WebhookTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();
    static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault().ignoring("kubectl-sidecar"));

    private static PodRequest webhook(String namespace) {
        return new PodRequest(NamespaceInfo.unlabelled(namespace), null, KubeVersion.UNKNOWN);
    }

    @Test
    void podCreateIsPatchedExactlyAsTheEngineInjects() throws Exception {
        ObjectNode pod = Reviews.pod("web");
        double injectedBefore = counter("injected");
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-1", "shop", pod));

        assertThat(response.get("uid").asString()).isEqualTo("uid-1");
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.get("patchType").asString()).isEqualTo("JSONPatch");
        Trees.assertSameTree("patched pod", Reviews.patched(pod, response), ENGINE.inject(pod, webhook("shop")).pod());
        assertThat(Reviews.patched(pod, response).at("/spec/containers").toString()).contains("istio-proxy");
        assertThat(counter("injected")).isEqualTo(injectedBefore + 1);
    }

    @Test
    void nothingToChangeMeansNoPatchAtAll() throws Exception {
        ObjectNode pod = Reviews.pod("opted-out");
        Json.objectAt((ObjectNode) pod.get("metadata"), "labels").put("sidecar.istio.io/inject", "false");
        double skippedBefore = counter("skipped");
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-2", "shop", pod));
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
        assertThat(counter("skipped")).isEqualTo(skippedBefore + 1);
    }

    @Test
    void namespaceFallsBackToTheObjectsOwn() throws Exception {
        ObjectNode pod = Reviews.pod("system");
        ((ObjectNode) pod.get("metadata")).put("namespace", "kube-system");
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-3", null, pod));
        assertThat(response.has("patch")).isFalse();
        ((ObjectNode) pod.get("metadata")).put("namespace", "shop");
        assertThat(running.reviewOk(Reviews.podCreate("uid-4", null, pod)).has("patch")).isTrue();
    }

    @Test
    void theAgentsOwnNamespaceIsNeverInjected() throws Exception {
        assertThat(running.reviewOk(Reviews.podCreate("uid-5", "kubectl-sidecar", Reviews.pod("agent"))).has("patch"))
                .isFalse();
    }

    @Test
    void otherOperationsAndKindsAreAllowedUntouched() throws Exception {
        JsonNode update = running.reviewOk(Reviews.review("u-up", "UPDATE", "", "Pod", "shop", Reviews.pod("p")));
        JsonNode delete = running.reviewOk(Reviews.review("u-del", "DELETE", "", "Pod", "shop", null));
        ObjectNode deployment = Reviews.pod("d");
        deployment.put("kind", "Deployment");
        JsonNode otherKind = running.reviewOk(Reviews.review("u-dep", "CREATE", "apps", "Deployment", "shop", deployment));
        for (JsonNode response : new JsonNode[] {update, delete, otherKind}) {
            assertThat(response.get("allowed").asBoolean()).isTrue();
            assertThat(response.has("patch")).isFalse();
        }
        assertThat(delete.get("uid").asString()).isEqualTo("u-del");
    }

    @Test
    void invalidAnnotationDeniesWithTheEnginesMessage() throws Exception {
        ObjectNode pod = Reviews.annotated(Reviews.pod("greedy"), "sidecar.istio.io/proxyCPU", "lots");
        String expected = messageOf(() -> ENGINE.inject(pod, webhook("shop")));
        double deniedBefore = counter("denied");

        JsonNode response = running.reviewOk(Reviews.podCreate("uid-6", "shop", pod));
        assertThat(response.get("uid").asString()).isEqualTo("uid-6");
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(400);
        assertThat(response.at("/status/message").asString()).isEqualTo(expected)
                .contains("sidecar.istio.io/proxyCPU").contains("lots");
        assertThat(response.has("patch")).isFalse();
        assertThat(counter("denied")).isEqualTo(deniedBefore + 1);
    }

    @Test
    void podWithoutContainersIsDenied() throws Exception {
        ObjectNode pod = Reviews.pod("empty");
        ((ObjectNode) pod.get("spec")).putArray("containers");
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-7", "shop", pod));
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(400);
        assertThat(response.at("/status/message").asString()).isEqualTo("spec.containers: must be a non-empty list");
    }

    @Test
    void engineWarningsBecomeAdmissionWarnings() throws Exception {
        ObjectNode pod = Reviews.annotated(Reviews.pod("warned"), "sidecar.istio.io/logLevel", "debug");
        JsonNode response = running.reviewOk(Reviews.podCreate("uid-8", "shop", pod));
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.get("warnings")).hasSize(1);
        assertThat(response.get("warnings").get(0).asString())
                .isEqualTo(ENGINE.inject(pod, webhook("shop")).warnings().get(0))
                .contains("sidecar.istio.io/logLevel");
    }

    @Test
    void dryRunGetsTheSameAnswer() throws Exception {
        ObjectNode review = Reviews.podCreate("uid-9", "shop", Reviews.pod("dry"));
        JsonNode wet = running.reviewOk(review);
        ((ObjectNode) review.get("request")).put("dryRun", true);
        assertThat(running.reviewOk(review)).isEqualTo(wet);
    }

    @Test
    void nativeSidecarSupportFollowsTheAgentsKubeVersion(@TempDir Path otherDir) throws Exception {
        TestPki.Issued ca = TestPki.ca("native-ca");
        TestPki.serving(ca).writeTo(otherDir.resolve("tls.crt"), otherDir.resolve("tls.key"));
        AgentOptions options = new AgentOptions(true, "127.0.0.1", 0, otherDir.resolve("tls.crt"),
                otherDir.resolve("tls.key"), null, "kubectl-sidecar", KubeVersion.of(1, 29), 1, Duration.ofSeconds(2), null);
        Agent agent = Agent.start(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            ObjectNode pod = Reviews.pod("job");
            var client = RunningAgent.client(TestPki.trusting(ca.certificate()));
            var response = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://localhost:" + agent.port() + "/inject"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            JsonMappers.JSON.writeValueAsString(Reviews.podCreate("n", "shop", pod)))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode patched = Reviews.patched(pod, JsonMappers.JSON.readTree(response.body()).get("response"));
            Trees.assertSameTree("patched pod", patched, ENGINE.inject(pod,
                    new PodRequest(NamespaceInfo.unlabelled("shop"), null, KubeVersion.of(1, 29))).pod());
            assertThat(patched.at("/spec/initContainers").toString()).contains("\"restartPolicy\":\"Always\"");
        } finally {
            agent.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static String messageOf(Runnable call) {
        try {
            call.run();
        } catch (InvalidAnnotationException e) {
            return e.getMessage();
        }
        throw new AssertionError("the engine accepted the pod");
    }

    private static double counter(String outcome) {
        return running.agent.metrics().registry().get("kubectl.sidecar.admission.requests").tag("outcome", outcome)
                .counter().count();
    }
}
