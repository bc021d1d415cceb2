package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import dev.kubectlsidecar.testkit.kubelet.IptablesBackend;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What nodes do to injected pods, with the real istio-init run by the fake kubelet in each pod's network namespace:
 * a pod sandbox re-created (init containers run again, in the kept network namespace or a new one) keeps the same
 * rules and stays VERIFIED; a node that uses iptables-legacy gets the rules there, and they verify. Needs root and
 * iptables (iptables-legacy for the second); skipped with the reason printed elsewhere.
 */
class NodeFaultsTest {
    @TempDir
    Path dir;

    private static void createPod(AgentCluster agents, String name) {
        Pod created = agents.cluster().client().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build())
                .create();
        assertThat(PodLoad.hasSidecar(created)).isTrue();
    }

    /** The pod's state from the agent, once its iptables are verified and its istio-init ran {@code runs} times. */
    private static JsonNode verifiedState(AgentCluster agents, String name, int runs) throws InterruptedException {
        return Poll.until(name + " verified after " + runs + " run(s) of istio-init", () -> {
            Pod pod = agents.cluster().client().pods().inNamespace("shop").withName(name).get();
            ContainerStatus init = pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null ? null
                    : pod.getStatus().getInitContainerStatuses().stream().filter(s -> s.getName().equals("istio-init"))
                    .findFirst().orElse(null);
            if (init == null || init.getRestartCount() != runs - 1) {
                return null;
            }
            Plugin.Result status = agents.plugin().run("status", name, "-n", "shop", "-o", "json");
            JsonNode state = JsonMappers.JSON.readTree(status.out()).path("pods").get(0);
            return status.err().isEmpty() && "verified".equals(state.path("iptables").asString()) ? state : null;
        });
    }

    @Test
    void aRecreatedPodSandboxRunsIstioInitAgainAndTheRulesStayVerified() throws Exception {
        Assumptions.assumeTrue(Paths.rootWithIptables(), "istio-init runs only as root with ip and iptables: not tested here");
        try (AgentCluster agents = AgentCluster.start(dir, builder -> builder)) {
            LocalCluster cluster = agents.cluster();
            agents.installAndEnable("shop", "90s");
            createPod(agents, "web-1");
            verifiedState(agents, "web-1", 1);
            String network = cluster.kubelet().podNetwork("shop", "web-1").orElseThrow();
            String rules = rules(network, "iptables-save");

            cluster.kubelet().recreateSandbox("shop", "web-1", true);
            JsonNode kept = verifiedState(agents, "web-1", 2);
            assertThat(rules(network, "iptables-save")).as("the same rules, once, in the kept network").isEqualTo(rules);
            assertThat(kept.path("iptablesDiff")).isEmpty();

            cluster.kubelet().recreateSandbox("shop", "web-1", false);
            verifiedState(agents, "web-1", 3);
            String renewed = cluster.kubelet().podNetwork("shop", "web-1").orElseThrow();
            assertThat(renewed).isNotEqualTo(network);
            assertThat(rules(renewed, "iptables-save")).as("the same rules in the new network").isEqualTo(rules);
        }
    }

    @Test
    void onANodeWithIptablesLegacyTheRulesLandThereAndVerify() throws Exception {
        Assumptions.assumeTrue(Paths.rootWithIptables(), "istio-init runs only as root with ip and iptables: not tested here");
        for (String tool : List.of("iptables-legacy-restore", "iptables-legacy-save", "ip6tables-legacy-restore", "ip6tables-legacy-save")) {
            Assumptions.assumeTrue(Paths.onPath(tool), tool + " is not on PATH (Debian's iptables package has it): the legacy node is not tested here");
        }
        try (AgentCluster agents = AgentCluster.start(dir, builder -> builder.iptablesBackend(IptablesBackend.LEGACY))) {
            LocalCluster cluster = agents.cluster();
            agents.installAndEnable("shop", "90s");
            createPod(agents, "web-1");

            verifiedState(agents, "web-1", 1);

            String network = cluster.kubelet().podNetwork("shop", "web-1").orElseThrow();
            assertThat(rules(network, IptablesBackend.LEGACY.saveCommand())).contains(":ISTIO_OUTPUT", "-A OUTPUT -j ISTIO_OUTPUT");
            if (Paths.onPath("iptables-nft-save")) {
                assertThat(rules(network, "iptables-nft-save")).as("nothing in nft").doesNotContain("ISTIO");
            }
        }
    }

    /** The nat table of a pod's network namespace, without the comment lines (they carry times). */
    private static String rules(String network, String save) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("ip", "netns", "exec", network, save, "-t", "nat").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().filter(line -> !line.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }
}
