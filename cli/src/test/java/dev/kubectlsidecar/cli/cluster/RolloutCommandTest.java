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
    void namespacesAreDoneInTheOrderGivenAndMayNotBeCombinedWithAllNamespaces() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(AgentNames.WEBHOOK_CONFIGURATION).endMetadata()
                .addNewWebhook().withName("inject.kubectl-sidecar.dev").withFailurePolicy("Fail").endWebhook().build()).create();
        for (String namespace : java.util.List.of("billing", "audit")) {
            client.namespaces().withName(namespace).delete();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
            client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName("api-5f6d7-q9z")
                    .addToLabels("pod-template-hash", "5f6d7").addNewOwnerReference().withKind("ReplicaSet").withName("api-5f6d7")
                    .withController(true).withApiVersion("apps/v1").withUid("u-" + namespace).endOwnerReference().endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build()).create();
            client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder().withNewMetadata().withName("api")
                    .withNamespace(namespace).endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer()
                    .withName("app").withImage("app:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        }

        CliRunner.Result repeated = run("rollout", "--dry-run", "-n", "shop", "-n", "billing");
        assertThat(repeated.exitCode()).as(repeated.err()).isZero();
        assertThat(repeated.out()).containsSubsequence("deployment/web -n shop: would restart", "deployment/api -n billing: would restart")
                .doesNotContain("audit");
        CliRunner.Result listed = run("rollout", "--dry-run", "-n", "billing,shop", "--namespace=audit", "-n", "billing");
        assertThat(listed.out()).containsSubsequence("deployment/api -n billing: would restart", "deployment/web -n shop: would restart",
                "deployment/api -n audit: would restart");
        assertThat(listed.out()).as("a namespace named twice is done once").containsOnlyOnce("-n billing: would restart");

        CliRunner.Result both = run("rollout", "-A", "-n", "shop");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("error: if any flags in the group [all-namespaces namespace] are set none of the others can be; "
                + "[all-namespaces namespace] were all set\nSee 'kubectl sidecar rollout --help' for usage.\n");
        CliRunner.Result empty = run("rollout", "-n", "shop,,billing");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).startsWith("error: invalid argument \"shop,,billing\" for \"-n\" flag: a namespace name is empty");
        assertThat(restartedAt()).isNull();
    }

    @Test
    void otherCommandsTakeTheLastNamespaceAsKubectlDoes() {
        CliRunner.Result status = run("status", "-n", "nowhere", "-n", "shop");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("web-7d4b9c-x2x").doesNotContain("nowhere");
    }

    @Test
    void onlyJsonIsAnOutputFormat() {
        CliRunner.Result run = run("rollout", "-o", "yaml");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("yaml");
    }
}
