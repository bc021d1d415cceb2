package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.injector.JsonMappers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** verify on a cluster without the agent: every agent check fails with a hint, exit 1. (The full path runs in the end-to-end tests.) */
@EnableKubernetesMockClient(crud = true)
class VerifyCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void withoutTheAgentItFailsWithHints() throws IOException {
        server.expect().get().withPath("/version").andReturn(200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}").always();
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");

        CliRunner.Result run = CliRunner.run("verify", "--kubeconfig", kubeconfig.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("kubernetes-api\n--------------\n✔ can reach the API server at ")
                .contains("✘ agent Deployment kubectl-sidecar/kubectl-sidecar-agent is missing\n    see: run `kubectl sidecar install`")
                .contains("✘ webhook configuration kubectl-sidecar is missing")
                .contains("✔ no namespace has injection enabled yet (kubectl sidecar enable NAMESPACE)")
                .endsWith("Status check results are ✘\n");

        JsonNode json = JsonMappers.JSON.readTree(CliRunner.run("verify", "--kubeconfig", kubeconfig.toString(), "-o", "json").out());
        assertThat(json.path("success").asBoolean(true)).isFalse();
        assertThat(json.path("checks").get(1).path("result").asString()).isEqualTo("fail");
    }
}
