package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Pods the agent injects start, stop and finish right on the local cluster, whose kubelet follows Kubernetes'
 * documented order: a native sidecar (the cluster is 1.31, so {@code auto} chooses it) is started and ready before
 * the app and stopped after it; a classic one is first and holds the app with its postStart hook, and drains in
 * its preStop while the app stops; a Job pod left running by its classic proxy is flagged by status and verify.
 */
class PodLifecycleTest {
    private static final String NAMESPACE = "jobs";
    @TempDir
    static Path dir;
    static AgentCluster agents;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.runInitContainers(false));
        client = agents.cluster().client();
        agents.installAndEnable(NAMESPACE, "90s");
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    private static Pod job(String name, String nativeSidecar) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("report")
                .withImage("ghcr.io/example/report:1").endContainer().endSpec();
        if (nativeSidecar != null) {
            pod.editMetadata().addToAnnotations("sidecar.istio.io/nativeSidecar", nativeSidecar).endMetadata();
        }
        return pod.build();
    }

    private static List<String> runAndDelete(String name) throws InterruptedException {
        Poll.until(name + " runs", () -> {
            Pod pod = client.pods().inNamespace(NAMESPACE).withName(name).get();
            return pod != null && pod.getStatus() != null && pod.getStatus().getPhase() != null ? pod : null;
        });
        client.pods().inNamespace(NAMESPACE).withName(name).delete();
        return Poll.until(name + " is stopped", () -> {
            List<String> steps = agents.cluster().kubelet().lifecycle(NAMESPACE, name);
            return steps.stream().anyMatch(s -> s.endsWith("istio-proxy: stopped")) ? steps : null;
        });
    }

    @Test
    void aNativeSidecarIsReadyBeforeTheJobAndStopsAfterIt() throws Exception {
        client.pods().inNamespace(NAMESPACE).resource(job("native-1", null)).create();
        assertThat(runAndDelete("native-1")).containsExactly(
                "init istio-init: ran to completion",
                "init istio-proxy: started",
                "init istio-proxy: startupProbe passed",
                "report: started",
                "report: stopped",
                "init istio-proxy: preStop started",
                "init istio-proxy: preStop returned",
                "init istio-proxy: stopped");
    }

    @Test
    void aClassicSidecarHoldsTheAppAndDrainsWhileItStops() throws Exception {
        client.pods().inNamespace(NAMESPACE).resource(job("classic-1", "false")).create();
        assertThat(runAndDelete("classic-1")).containsExactly(
                "init istio-init: ran to completion",
                "istio-proxy: started",
                "istio-proxy: postStart returned",
                "report: started",
                "istio-proxy: preStop started",
                "report: stopped",
                "istio-proxy: preStop returned",
                "istio-proxy: stopped");
    }

    @Test
    void aJobPodKeptRunningByItsClassicProxyIsFlaggedByStatusAndVerify() throws Exception {
        client.pods().inNamespace(NAMESPACE).resource(job("held-1", "false")).create();
        Pod running = Poll.until("held-1 runs", () -> {
            Pod pod = client.pods().inNamespace(NAMESPACE).withName("held-1").get();
            return pod != null && pod.getStatus() != null && pod.getStatus().getPhase() != null ? pod : null;
        });
        for (ContainerStatus status : running.getStatus().getContainerStatuses()) {
            if (status.getName().equals("report")) {
                status.setState(new ContainerStateBuilder().withNewTerminated().withExitCode(0).withReason("Completed")
                        .endTerminated().build());
                status.setReady(false);
            }
        }
        client.pods().inNamespace(NAMESPACE).resource(running).updateStatus();

        JsonNode state = Poll.until("status flags held-1", () -> {
            Plugin.Result status = agents.plugin().run("status", "held-1", "-n", NAMESPACE, "-o", "json");
            JsonNode pod = JsonMappers.JSON.readTree(status.out()).path("pods").get(0);
            return pod != null && pod.path("heldByProxy").asBoolean() ? pod : null;
        });
        assertThat(state.path("reasons").toString()).contains("its app containers have finished, but its classic sidecar");
        Plugin.Result verify = agents.plugin().run("verify");
        assertThat(verify.out()).contains("1 pod has finished its job but its classic sidecar keeps it running")
                .contains(NAMESPACE + "/held-1");
    }
}
