package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.testkit.LocalCluster;
import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What the end-to-end tests start from: the local cluster whose agent is the real agent jar run as its own process
 * (with the Deployment's JVM flags), and the plugin pointed at it through a kubeconfig in {@code dir}.
 */
record AgentCluster(LocalCluster cluster, Plugin plugin) implements AutoCloseable {
    static AgentCluster start(Path dir, UnaryOperator<LocalCluster.Builder> options) {
        LocalCluster cluster = options.apply(LocalCluster.builder())
                .agentLauncher(new ProcessAgentLauncher(Paths.AGENT_JAR)).start();
        try {
            return new AgentCluster(cluster, new Plugin(cluster.writeKubeconfig(dir.resolve("kubeconfig"))));
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code kubectl sidecar install}, then {@code namespace} created with injection enabled. */
    void installAndEnable(String namespace, String installTimeout) {
        Plugin.Result install = plugin.run("install", "--timeout", installTimeout);
        assertThat(install.exitCode()).as(install.both()).isZero();
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        Plugin.Result enable = plugin.run("enable", namespace);
        assertThat(enable.exitCode()).as(enable.both()).isZero();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
