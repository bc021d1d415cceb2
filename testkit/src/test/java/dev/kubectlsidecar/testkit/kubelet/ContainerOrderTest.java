package dev.kubectlsidecar.testkit.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local cluster's kubelet starts and stops injected pods in Kubernetes' documented order, so the order our
 * sidecar gets can be asserted: the proxy is ready before the app starts, and stops after it.
 */
class ContainerOrderTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static LocalCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.builder().runInitContainers(false).start();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aClassicSidecarStartsFirstHoldsTheAppAndDrainsWhileTheAppStops() throws Exception {
        List<String> steps = run(injected("classic", false));
        assertThat(steps).containsExactly(
                "init istio-init: ran to completion",
                "istio-proxy: started",
                "istio-proxy: postStart returned",
                "web: started",
                "istio-proxy: preStop started",
                "web: stopped",
                "istio-proxy: preStop returned",
                "istio-proxy: stopped");
    }

    @Test
    void aNativeSidecarGatesTheAppWithItsStartupProbeAndStopsAfterIt() throws Exception {
        List<String> steps = run(injected("native", true));
        assertThat(steps).containsExactly(
                "init istio-init: ran to completion",
                "init istio-proxy: started",
                "init istio-proxy: startupProbe passed",
                "web: started",
                "web: stopped",
                "init istio-proxy: preStop started",
                "init istio-proxy: preStop returned",
                "init istio-proxy: stopped");
    }

    @Test
    void sidecarsStopInReverseOrderAfterEveryAppContainer() {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree("""
                metadata: {name: two}
                spec:
                  initContainers:
                  - {name: a, image: a:1, restartPolicy: Always}
                  - {name: b, image: b:1, restartPolicy: Always, lifecycle: {preStop: {exec: {command: [x]}}}}
                  containers:
                  - {name: app1, image: a:1, lifecycle: {preStop: {exec: {command: [x]}}}}
                  - {name: app2, image: a:1}
                """);
        assertThat(ContainerOrder.stop(pod)).containsExactly("app1: preStop started", "app2: stopped",
                "app1: preStop returned", "app1: stopped", "init b: preStop started", "init b: preStop returned",
                "init b: stopped", "init a: stopped");
    }

    private static ObjectNode injected(String name, boolean nativeSidecar) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: default, annotations: {sidecar.istio.io/nativeSidecar: "%s"}}
                spec: {containers: [{name: web, image: web:1}]}
                """.formatted(name, nativeSidecar));
        return ENGINE.inject(pod, PodRequest.offline("default")).pod();
    }

    /** Creates the pod, waits until it runs, deletes it, and returns the kubelet's steps once it stopped it. */
    private static List<String> run(ObjectNode pod) throws InterruptedException {
        String name = pod.path("metadata").path("name").asString();
        client.resource(JsonMappers.JSON.writeValueAsString(pod)).create();
        client.pods().inNamespace("default").withName(name).waitUntilCondition(
                p -> p != null && p.getStatus() != null && p.getStatus().getPhase() != null, 30, TimeUnit.SECONDS);
        client.pods().inNamespace("default").withName(name).delete();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> steps = cluster.kubelet().lifecycle("default", name);
        while (steps.stream().noneMatch(s -> s.endsWith("istio-proxy: stopped")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            steps = cluster.kubelet().lifecycle("default", name);
        }
        return steps;
    }
}
