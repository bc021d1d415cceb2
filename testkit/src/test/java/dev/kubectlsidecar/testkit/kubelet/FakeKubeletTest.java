package dev.kubectlsidecar.testkit.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class FakeKubeletTest {
    private static final String NAMESPACE = "kubelet-test";
    private static LocalCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start();
        client = cluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aNewPodRunsOnTheLocalNodeWithReadyContainers() {
        create(pod("web"));

        Pod running = awaitPhase("web");

        assertThat(running.getStatus().getPhase()).isEqualTo("Running");
        assertThat(running.getSpec().getNodeName()).isEqualTo("local-node");
        assertThat(running.getStatus().getPodIP()).startsWith("10.244.");
        assertThat(running.getStatus().getContainerStatuses()).singleElement().satisfies(status -> {
            assertThat(status.getName()).isEqualTo("web");
            assertThat(status.getReady()).isTrue();
            assertThat(status.getRestartCount()).isZero();
            assertThat(status.getImage()).isEqualTo("nginx:1.27");
            assertThat(status.getState().getRunning()).isNotNull();
        });
        assertThat(running.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
    }

    @Test
    void initContainersCompleteAndNativeSidecarsRun() {
        ObjectNode pod = pod("with-init");
        ArrayNode init = pod.withObject("spec").putArray("initContainers");
        init.addObject().put("name", "prepare").put("image", "busybox:1.36");
        init.addObject().put("name", "proxy").put("image", "envoyproxy/envoy:v1.31.0").put("restartPolicy", "Always");
        create(pod);

        Pod running = awaitPhase("with-init");

        List<ContainerStatus> statuses = running.getStatus().getInitContainerStatuses();
        assertThat(statuses).extracting(ContainerStatus::getName).containsExactly("prepare", "proxy");
        assertThat(statuses.get(0).getState().getTerminated().getExitCode()).isZero();
        assertThat(statuses.get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(statuses.get(1).getState().getRunning()).isNotNull();
        assertThat(statuses.get(1).getReady()).isTrue();
    }

    @Test
    void istioInitRunsTheEnginesRealScriptAndPublishesTheRules() {
        Optional<String> unavailable = NetnsRunner.unavailableReason(List.of("ip", "iptables-restore", "iptables-save"));
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "istio-init cannot run here: " + unavailable.orElse(""));
        ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault())
                .inject(pod("injected"), PodRequest.offline(NAMESPACE)).pod();
        create(injected);

        Pod running = awaitPhase("injected");

        ContainerStatus istioInit = initStatus(running, FakeKubelet.ISTIO_INIT);
        assertThat(istioInit.getState().getTerminated().getExitCode()).isZero();
        assertThat(istioInit.getState().getTerminated().getMessage())
                .as("termination message (not run because: %s)", cluster.kubelet().skipReason(NAMESPACE, "injected"))
                .startsWith("### ipv4")
                .contains("*nat", "ISTIO_OUTPUT", "COMMIT");
        assertThat(cluster.kubelet().skipReason(NAMESPACE, "injected")).isEmpty();
    }

    @Test
    void aFailingIstioInitLeavesThePodPendingWithItsOutputAsTheMessage() {
        Optional<String> unavailable = NetnsRunner.unavailableReason(List.of("ip", "iptables-restore", "iptables-save"));
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "istio-init cannot run here: " + unavailable.orElse(""));
        ObjectNode pod = pod("broken-init");
        ObjectNode init = pod.withObject("spec").putArray("initContainers").addObject()
                .put("name", FakeKubelet.ISTIO_INIT).put("image", "iptables:test")
                .put("terminationMessagePolicy", "FallbackToLogsOnError");
        init.putArray("command").add("sh").add("-c").add("echo 'iptables-restore: line 3 failed' >&2; exit 3");
        create(pod);

        Pod pending = awaitPhase("broken-init");

        assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
        ContainerStatus istioInit = initStatus(pending, FakeKubelet.ISTIO_INIT);
        assertThat(istioInit.getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(istioInit.getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(istioInit.getState().getTerminated().getMessage()).contains("iptables-restore: line 3 failed");
        assertThat(pending.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");
    }

    @Test
    void withoutRootOrToolsIstioInitCompletesWithoutAMessageAndTheReasonIsKept() {
        assertThat(NetnsRunner.unavailableReason("1000", List.of("ip"))).contains("not running as root (uid 1000)");
        assertThat(NetnsRunner.unavailableReason("0", List.of("no-such-tool-here")))
                .contains("not on PATH: no-such-tool-here");

        try (LocalCluster switchedOff = LocalCluster.builder().runInitContainers(false).start()) {
            KubernetesClient other = switchedOff.client();
            ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault())
                    .inject(pod("injected"), PodRequest.offline("default")).pod();
            injected.withObject("metadata").put("namespace", "default");
            other.resource(JsonMappers.JSON.writeValueAsString(injected)).create();

            Pod running = other.pods().inNamespace("default").withName("injected")
                    .waitUntilCondition(p -> p != null && p.getStatus() != null && p.getStatus().getPhase() != null,
                            30, TimeUnit.SECONDS);

            ContainerStatus istioInit = initStatus(running, FakeKubelet.ISTIO_INIT);
            assertThat(istioInit.getState().getTerminated().getExitCode()).isZero();
            assertThat(istioInit.getState().getTerminated().getMessage()).isNull();
            assertThat(switchedOff.kubelet().skipReason("default", "injected"))
                    .hasValueSatisfying(reason -> assertThat(reason).contains("switched off"));
        }
    }

    private static ObjectNode pod(String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", NAMESPACE).putObject("labels").put("app", name);
        pod.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx:1.27");
        return pod;
    }

    private static void create(ObjectNode pod) {
        client.resource(JsonMappers.JSON.writeValueAsString(pod)).create();
    }

    private static Pod awaitPhase(String name) {
        return client.pods().inNamespace(NAMESPACE).withName(name)
                .waitUntilCondition(p -> p != null && p.getStatus() != null && p.getStatus().getPhase() != null,
                        30, TimeUnit.SECONDS);
    }

    private static ContainerStatus initStatus(Pod pod, String name) {
        return pod.getStatus().getInitContainerStatuses().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no init container status " + name + " in " + pod.getStatus()));
    }
}
