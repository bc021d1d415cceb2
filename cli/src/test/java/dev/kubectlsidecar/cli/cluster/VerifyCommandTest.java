package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.injector.json.JsonMappers;
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

    @Test
    void aPodWhoseAnnotationsCaptureNothingIsAWarningNamingIt() throws IOException {
        server.expect().get().withPath("/version").andReturn(200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}").always();
        tools.jackson.databind.node.ObjectNode pod = (tools.jackson.databind.node.ObjectNode) JsonMappers.YAML.readTree("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: blind
                  namespace: default
                  annotations: {traffic.sidecar.istio.io/includeInboundPorts: "", traffic.sidecar.istio.io/includeOutboundIPRanges: ""}
                spec:
                  containers: [{name: app, image: app:1}]
                """);
        tools.jackson.databind.JsonNode injected = new dev.kubectlsidecar.injector.InjectionEngine(
                dev.kubectlsidecar.injector.config.ConfigLoader.embeddedDefault())
                .inject(pod, dev.kubectlsidecar.injector.PodRequest.offline("default")).pod();
        client.resource(JsonMappers.JSON.writeValueAsString(injected)).inNamespace("default").create();
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");

        CliRunner.Result run = CliRunner.run("verify", "--kubeconfig", kubeconfig.toString());

        assertThat(run.out()).containsPattern("‼ 1 pods? captures? no traffic: their traffic.sidecar.istio.io annotations "
                + "let everything bypass the proxy\n    default/blind: ");
    }
}
