package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inject with a reachable cluster uses the cluster's injection config; unreachable falls back and says so. */
@EnableKubernetesMockClient(crud = true)
class InjectWithClusterTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    private Path pod() throws IOException {
        return Files.writeString(dir.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: a}]}\n");
    }

    @Test
    void usesTheClustersConfigMap() throws IOException {
        client.configMaps().inNamespace("kubectl-sidecar").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("kubectl-sidecar-config").endMetadata()
                .addToData("config.yaml", "defaultProfile: p\nprofiles: {p: {proxyImage: registry.example/envoy:cluster, initImage: i}}\n")
                .build()).create();
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");

        CliRunner.Result run = CliRunner.run("inject", "-f", pod().toString(), "--kubeconfig", kubeconfig.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("image: registry.example/envoy:cluster");
        assertThat(run.err()).isEqualTo("pod/p injected\n");

        CliRunner.Result offline = CliRunner.run("inject", "-f", pod().toString(), "--kubeconfig", kubeconfig.toString(), "--offline");
        assertThat(offline.out()).contains("image: docker.io/envoyproxy/envoy:v1.36.2");
    }

    @Test
    void anUnreachableClusterFallsBackToTheEmbeddedDefaultWithOneLine() throws IOException {
        Path dead = Kubeconfigs.write(dir, "https://127.0.0.1:1", "default");
        CliRunner.Result run = CliRunner.run("inject", "-f", pod().toString(), "--kubeconfig", dead.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("image: docker.io/envoyproxy/envoy:v1.36.2");
        assertThat(run.err()).startsWith("note: cannot read the cluster's injection config (cannot reach the cluster at https://127.0.0.1:1")
                .endsWith("using the embedded default (--offline skips the cluster)\npod/p injected\n");
    }
}
