package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} on a cluster where the agent was never installed: the API server's service proxy answers 404 for
 * the missing Service, and the states are computed from the pods, with a note that says why.
 */
class StatusWithoutAgentTest {
    @TempDir
    Path dir;

    @Test
    void computesTheStatesAndSaysTheAgentIsNotInstalled() {
        try (LocalCluster cluster = LocalCluster.builder().runInitContainers(false).start()) {
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            cluster.client().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1")
                    .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer()
                    .endSpec().build()).create();
            Plugin.Result status = new Plugin(cluster.writeKubeconfig(dir.resolve("kubeconfig"))).run("status", "-n", "shop");
            assertThat(status.exitCode()).as(status.both()).isZero();
            assertThat(status.err()).isEqualTo("note: the agent could not be reached (HTTP 404: no Service "
                    + "kubectl-sidecar/kubectl-sidecar-agent; is the agent installed?): computed from the pods directly\n");
            assertThat(status.out()).containsPattern("namespace shop: injection enabled · 1 pods?: ")
                    .containsPattern("web-1\\s+-\\s+no\\s+");
        }
    }
}
