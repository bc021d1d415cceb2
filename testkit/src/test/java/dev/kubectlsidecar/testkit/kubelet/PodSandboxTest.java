package dev.kubectlsidecar.testkit.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each pod's network namespace lives as long as the pod; a re-created sandbox runs istio-init again, and a node may
 * use iptables-legacy. Needs root, {@code ip} and iptables (legacy for the last test); skipped with the reason
 * printed elsewhere.
 */
class PodSandboxTest {
    private static LocalCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        Optional<String> unavailable = NetnsRunner.unavailableReason(List.of("ip", "iptables-restore", "iptables-save"));
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "istio-init cannot run here: " + unavailable.orElse(""));
        cluster = LocalCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "network kept: {0}")
    @ValueSource(booleans = {true, false})
    void aRecreatedSandboxRunsIstioInitAgainAndEndsWithTheSameRules(boolean keepNetwork) throws IOException {
        String name = "sandbox-" + keepNetwork;
        Pod first = createInjected(client, name);
        String rules = message(first);
        String network = cluster.kubelet().podNetwork("default", name).orElseThrow();

        cluster.kubelet().recreateSandbox("default", name, keepNetwork);

        Pod again = client.pods().inNamespace("default").withName(name).get();
        ContainerStatus init = initStatus(again);
        assertThat(init.getRestartCount()).isEqualTo(1);
        assertThat(init.getState().getTerminated().getExitCode()).isZero();
        assertThat(message(again)).as("the rules after the second run").isEqualTo(rules);
        assertThat(again.getStatus().getContainerStatuses()).allSatisfy(c -> assertThat(c.getRestartCount()).isEqualTo(1));
        String now = cluster.kubelet().podNetwork("default", name).orElseThrow();
        if (keepNetwork) {
            assertThat(now).isEqualTo(network);
            assertThat(again.getStatus().getPodIP()).isEqualTo(first.getStatus().getPodIP());
        } else {
            assertThat(now).isNotEqualTo(network);
            assertThat(networks()).doesNotContain(network);
        }
        assertThat(NetnsRunner.exec(now, List.of("iptables-save", "-t", "nat")).lines()
                .filter(line -> line.equals("-A OUTPUT -j ISTIO_OUTPUT")))
                .as("one jump to ISTIO_OUTPUT in the pod's network").hasSize(1);
    }

    @Test
    void deletingThePodDeletesItsNetwork() throws IOException {
        createInjected(client, "short-lived");
        String network = cluster.kubelet().podNetwork("default", "short-lived").orElseThrow();
        assertThat(networks()).contains(network);

        client.pods().inNamespace("default").withName("short-lived").delete();

        client.pods().inNamespace("default").withName("short-lived").waitUntilCondition(p -> p == null, 30, TimeUnit.SECONDS);
        waitUntil(() -> cluster.kubelet().podNetwork("default", "short-lived").isEmpty());
        assertThat(networks()).doesNotContain(network);
        assertThatThrownBy(() -> cluster.kubelet().recreateSandbox("default", "short-lived", true))
                .isInstanceOf(IllegalStateException.class).hasMessage("pod default/short-lived is not running");
    }

    @Test
    void onALegacyNodeTheRulesAreInIptablesLegacyAndNotInNft() throws IOException {
        Optional<String> unavailable = NetnsRunner.unavailableReason(IptablesBackend.LEGACY.requiredTools());
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "no iptables-legacy here: " + unavailable.orElse(""));
        Assumptions.assumeTrue(NetnsRunner.onPath("iptables-nft-save"), "iptables-nft-save is not on PATH");
        try (LocalCluster legacy = LocalCluster.builder().iptablesBackend(IptablesBackend.LEGACY).start()) {
            Pod pod = createInjected(legacy.client(), "on-legacy");

            assertThat(message(pod)).as("not run because: %s", legacy.kubelet().skipReason("default", "on-legacy"))
                    .contains("ISTIO_OUTPUT");
            String network = legacy.kubelet().podNetwork("default", "on-legacy").orElseThrow();
            assertThat(NetnsRunner.exec(network, List.of(IptablesBackend.LEGACY.saveCommand(), "-t", "nat")))
                    .contains(":ISTIO_OUTPUT", "-A OUTPUT -j ISTIO_OUTPUT");
            assertThat(NetnsRunner.exec(network, List.of("iptables-nft-save", "-t", "nat"))).doesNotContain("ISTIO");
        }
    }

    private static Pod createInjected(KubernetesClient client, String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "app:1");
        ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault()).inject(pod, PodRequest.offline("default")).pod();
        client.resource(JsonMappers.JSON.writeValueAsString(injected)).create();
        return client.pods().inNamespace("default").withName(name)
                .waitUntilCondition(p -> p != null && p.getStatus() != null && p.getStatus().getPhase() != null,
                        30, TimeUnit.SECONDS);
    }

    private static ContainerStatus initStatus(Pod pod) {
        return pod.getStatus().getInitContainerStatuses().stream().filter(s -> s.getName().equals(FakeKubelet.ISTIO_INIT))
                .findFirst().orElseThrow();
    }

    private static String message(Pod pod) {
        return initStatus(pod).getState().getTerminated().getMessage();
    }

    private static List<String> networks() throws IOException {
        Process process = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        List<String> names = new ArrayList<>();
        new String(process.getInputStream().readAllBytes()).lines().forEach(line -> names.add(line.split(" ")[0]));
        return names;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
