package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completion in kubectl's plugin protocol: candidates, then ":directive". */
@EnableKubernetesMockClient(crud = true)
class CompleteCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void completesCommandsFlagsNamespacesAndPods() throws IOException {
        for (String name : new String[] {"shop", "payments"}) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1").endMetadata()
                .withNewSpec().addNewContainer().withName("a").withImage("a").endContainer().endSpec().build()).create();
        String kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default").toString();

        assertThat(CliRunner.run("__complete", "st").out()).startsWith("status\t").endsWith(":4\n");
        assertThat(CliRunner.run("__complete", "status", "--al").out()).isEqualTo("--all-namespaces\tAll namespaces.\n:4\n");
        assertThat(CliRunner.run("__complete", "inject", "-f", "").out()).isEqualTo(":0\n");
        assertThat(CliRunner.run("__complete", "enable", "--kubeconfig", kubeconfig, "sh").out()).isEqualTo("shop\n:4\n");
        assertThat(CliRunner.run("__complete", "status", "--kubeconfig", kubeconfig, "-n", "shop", "").out()).isEqualTo("web-1\n:4\n");
        assertThat(CliRunner.run("__complete", "status", "--kubeconfig", kubeconfig, "-n", "").out()).isEqualTo("payments\nshop\n:4\n");
        assertThat(CliRunner.run("__complete", "rollout", "--kubeconfig", kubeconfig, "-n", "shop", "-n", "pa").out())
                .as("rollout's -n again").isEqualTo("payments\n:4\n");
    }
}
