package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rollout against the mock API server: what it refuses before touching anything (the runs are in e2e RolloutTest). */
@EnableKubernetesMockClient(crud = true)
class RolloutCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;
    Path kubeconfig;

    @BeforeEach
    void cluster() throws IOException {
        kubeconfig = Kubeconfigs.write(dir, server.url("/"), "shop");
        client.pods().inAnyNamespace().delete();
        client.apps().deployments().inAnyNamespace().delete();
        client.namespaces().withName("shop").delete();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(AgentNames.WEBHOOK_CONFIGURATION).delete();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .withNamespace("shop").endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer()
                .withName("app").withImage("app:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-7d4b9c-x2x")
                .addToLabels("pod-template-hash", "7d4b9c").addNewOwnerReference().withKind("ReplicaSet").withName("web-7d4b9c")
                .withController(true).withApiVersion("apps/v1").withUid("u1").endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build()).create();
    }

    private CliRunner.Result run(String... args) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 2);
        full[args.length] = "--kubeconfig";
        full[args.length + 1] = kubeconfig.toString();
        return CliRunner.run(full);
    }

    private static String restartedAt() {
        var annotations = client.apps().deployments().inNamespace("shop").withName("web").get()
                .getSpec().getTemplate().getMetadata() == null ? null
                : client.apps().deployments().inNamespace("shop").withName("web").get().getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get("kubectl.kubernetes.io/restartedAt");
    }

    @Test
    void withNoWebhookConfigurationARestartWouldNotInjectSoNothingIsRestarted() {
        CliRunner.Result run = run("rollout");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("1 pod should have a sidecar, but no webhook configuration is installed")
                .contains("kubectl sidecar install");
        assertThat(restartedAt()).isNull();
    }

    @Test
    void withoutAReadyAgentNothingIsRestartedButADryRunStillSaysWhatWould() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(AgentNames.WEBHOOK_CONFIGURATION).endMetadata()
                .addNewWebhook().withName("inject.kubectl-sidecar.dev").withFailurePolicy("Fail").endWebhook().build()).create();

        CliRunner.Result run = run("rollout");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("the agent has no ready replica");
        assertThat(restartedAt()).isNull();

        CliRunner.Result dryRun = run("rollout", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.out() + dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("deployment/web -n shop: would restart (1 pod missing their sidecar)");
        assertThat(restartedAt()).isNull();
    }

    @Test
    void onlyJsonIsAnOutputFormat() {
        CliRunner.Result run = run("rollout", "-o", "yaml");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("yaml");
    }
}
