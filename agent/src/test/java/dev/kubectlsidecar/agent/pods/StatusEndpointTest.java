package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static dev.kubectlsidecar.agent.pods.PodFixtures.WITHOUT_SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.InProcessAgent;
import dev.kubectlsidecar.agent.cluster.Poll;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/status}, the {@code informer} readiness check and the pod gauges of an agent over HTTPS. */
@EnableKubernetesMockClient(crud = true)
class StatusEndpointTest {
    static {
        Poll.quietMockServer();
    }

    KubernetesClient client;

    @TempDir
    Path dir;

    private InProcessAgent running;
    private PodStateTracker tracker;

    @BeforeEach
    void startAgent() throws Exception {
        client.namespaces().resource(PodFixtures.enabled("shop")).create();
        client.pods().resource(PodFixtures.injected("shop", "web-1")).create();
        client.pods().resource(PodFixtures.plain("shop", "web-2")).create();
        client.pods().resource(PodFixtures.plain("other", "app-1")).create();
        running = InProcessAgent.start(dir);
        tracker = new PodStateTracker(client, () -> running.agent().engines().engine(), KubeVersion.UNKNOWN);
        StatusEndpoint.install(running.agent(), tracker);
    }

    @AfterEach
    void stop() throws Exception {
        tracker.start();
        Poll.until("the first list of pods", tracker::synced);
        MockWatches.drain(client, tracker);
        tracker.close();
        running.close();
    }

    @Test
    void notReadyAndNoStatusUntilThePodsAreListed() throws Exception {
        HttpResponse<String> notReady = running.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("informer: NOT READY - listing pods for the first time")
                .contains("certificate: ok");
        HttpResponse<String> unknown = running.get("/api/v1/status");
        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(json(unknown)).isEqualTo(Json.object()
                .put("error", "pod states are not known yet: the agent is still listing the pods"));

        tracker.start();
        Poll.until("ready", () -> statusOf("/readyz") == 200);
        assertThat(running.get("/readyz").body()).contains("informer: ok - tracking the sidecar state of 3 pods");
        assertThat(running.get("/api/v1/status").statusCode()).isEqualTo(200);
    }

    @Test
    void answersAllPodsOneNamespaceOrOnePodInTheStatusShape() throws Exception {
        startTracking();

        JsonNode all = json(ok("/api/v1/status"));
        assertThat(all).isEqualTo(PodStatesJson.write(tracker.states(null, null)));
        assertThat(names(all)).containsExactly("other/app-1", "shop/web-1", "shop/web-2");
        JsonNode injected = all.get("pods").get(1);
        assertThat(injected.get("namespace").asString()).isEqualTo("shop");
        assertThat(injected.get("injected").asBoolean()).isTrue();
        assertThat(injected.get("proxy").asString()).isEqualTo("missing");
        assertThat(injected.get("iptables").asString()).isEqualTo("unknown");
        assertThat(injected.get("profile").asString()).isEqualTo("envoy");
        assertThat(injected.get("reasons").get(0).get("message").asString()).isEqualTo("namespace label istio-injection=enabled matches");
        assertThat(injected.get("reasons").get(0).get("code").asString()).isEqualTo("namespaceEnabled");
        assertThat(injected.get("templateHash").asString()).isNotEmpty();

        JsonNode shop = json(ok("/api/v1/status?namespace=shop"));
        assertThat(names(shop)).containsExactly("shop/web-1", "shop/web-2");

        JsonNode one = json(ok("/api/v1/status?namespace=shop&pod=web-2"));
        assertThat(one.get("pods")).hasSize(1);
        assertThat(one.get("pods").get(0).get("injected").asBoolean()).isFalse();
        assertThat(one.get("pods").get(0).get("proxy").asString()).isEqualTo("none");
        assertThat(last(one.get("pods").get(0).get("reasons")).get("message").asString()).isEqualTo(WITHOUT_SIDECAR);
        assertThat(last(one.get("pods").get(0).get("reasons")).get("code").asString()).isEqualTo("createdBeforeEnabledOrWebhookSkipped");
        assertThat(one.get("pods").get(0).get("problem").asString()).isEqualTo("missing");
        assertThat(PodStatesJson.read(one)).isEqualTo(tracker.states("shop", "web-2"));

        assertThat(json(ok("/api/v1/status?namespace=shop&pod=gone"))).isEqualTo(PodStatesJson.write(List.of()));
        assertThat(json(ok("/api/v1/status?namespace=empty"))).isEqualTo(PodStatesJson.write(List.of()));
    }

    @Test
    void anInvalidQueryIs400WithAOneLineReason() throws Exception {
        startTracking();
        assertThat(error("/api/v1/status?pod=web-1"))
                .isEqualTo("pod=web-1 needs its namespace: ?namespace=NS&pod=NAME");
        assertThat(error("/api/v1/status?namespace=Shop"))
                .startsWith("namespace=\"Shop\" cannot be a namespace name (lowercase letters, digits and '-'");
        assertThat(error("/api/v1/status?namespace=shop&pod=web_1"))
                .startsWith("pod=\"web_1\" cannot be a pod name");
        assertThat(error("/api/v1/status?namespace=shop&namespace=other"))
                .isEqualTo("namespace is given 2 times; give it once");
        assertThat(error("/api/v1/status?namespace="))
                .startsWith("namespace=\"\" cannot be a namespace name");
        String malformed = running.rawGet("/api/v1/status?namespace=%zz");
        assertThat(malformed).startsWith("HTTP/1.1 400 ").contains("{\"error\":\"invalid hex byte 'zz'");
    }

    @Test
    void metricsCountPodsByState() throws Exception {
        startTracking();
        String metrics = ok("/metrics").body();
        assertThat(metrics).containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"injected\"} 1(\\.0)?$")
                .containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"not_injected\"} 2(\\.0)?$")
                .containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"stale\"} 0(\\.0)?$")
                .containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"iptables_mismatch\"} 0(\\.0)?$")
                .containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"proxy_not_ready\"} 1(\\.0)?$");

        client.pods().resource(PodFixtures.injected("shop", "web-3")).create();
        Poll.until("the new pod counted", () -> tracker.counts().get("injected") == 2L);
        assertThat(ok("/metrics").body()).containsPattern("(?m)^kubectl_sidecar_pods\\{state=\"injected\"} 2(\\.0)?$");
    }

    private void startTracking() {
        tracker.start();
        Poll.until("the first list of pods", tracker::synced);
    }

    private HttpResponse<String> ok(String path) throws Exception {
        HttpResponse<String> response = running.get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith(path.startsWith("/metrics") ? "text/plain" : "application/json"));
        return response;
    }

    private String error(String path) throws Exception {
        HttpResponse<String> response = running.get(path);
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.properties()).hasSize(1);
        return body.get("error").asString();
    }

    private int statusOf(String path) {
        try {
            return running.get(path).statusCode();
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JsonMappers.JSON.readTree(response.body());
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.get("pods").forEach(pod -> names.add(pod.get("namespace").asString() + "/" + pod.get("name").asString()));
        return names;
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }
}
