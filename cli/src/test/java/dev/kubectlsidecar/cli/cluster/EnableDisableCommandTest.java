package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class EnableDisableCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;
    Path kubeconfig;

    @BeforeEach
    void cluster() throws IOException {
        kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        client.pods().inAnyNamespace().delete();
        client.apps().deployments().inAnyNamespace().delete();
        client.namespaces().withName("shop").delete();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("kubectl-sidecar").endMetadata().build()).createOr(r -> r.update());
    }

    private CliRunner.Result run(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--kubeconfig";
        full[args.length + 1] = kubeconfig.toString();
        return CliRunner.run(full);
    }

    /** A running pod of Deployment web (through its ReplicaSet), without a sidecar. */
    private static void createDeploymentPod() {
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-5d9c7-abcde")
                .addToLabels("pod-template-hash", "5d9c7")
                .addNewOwnerReference().withKind("ReplicaSet").withName("web-5d9c7").withController(true)
                .withApiVersion("apps/v1").withUid("u1").endOwnerReference()
                .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("web:1").endContainer().endSpec()
                .build()).create();
    }

    private Map<String, String> annotations(String namespace) {
        Map<String, String> annotations = client.namespaces().withName(namespace).get().getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private String label(String namespace) {
        var labels = client.namespaces().withName(namespace).get().getMetadata().getLabels();
        return labels == null ? null : labels.get("istio-injection");
    }

    @Test
    void enableLabelsAndPointsToRolloutForTheRunningPods() {
        createDeploymentPod();

        CliRunner.Result run = run("enable", "shop");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(label("shop")).isEqualTo("enabled");
        assertThat(run.out()).isEqualTo("""
                namespace/shop: injection enabled
                  running pods have no sidecar until they are recreated:
                    deployment/web: kubectl sidecar rollout -n shop --missing (--dry-run to see the plan)
                """);
        assertThat(run("enable", "shop").out()).startsWith("namespace/shop: injection already enabled\n");
    }

    /** A pod owned by {@code kind/name} (a controller reference), or by nothing when kind is null. */
    private static void createPod(String name, String kind, String owner) {
        var metadata = new PodBuilder().withNewMetadata().withName(name);
        if (kind != null) {
            metadata.addNewOwnerReference().withKind(kind).withName(owner).withController(true)
                    .withApiVersion(kind.equals("Job") ? "batch/v1" : "apps/v1").withUid("u-" + owner).endOwnerReference();
        }
        client.pods().inNamespace("shop").resource(metadata.endMetadata().withNewSpec().addNewContainer().withName("app")
                .withImage("app:1").endContainer().endSpec().build()).create();
    }

    @Test
    void podsNoRolloutRestartsSayWhatRecreatesThemCountedInEnglish() {
        createPod("cache-x1", "ReplicaSet", "cache");
        createPod("cache-x2", "ReplicaSet", "cache");
        createPod("report-1", "Job", "report");
        createPod("debug", null, null);

        CliRunner.Result run = run("enable", "shop");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                namespace/shop: injection enabled
                  running pods have no sidecar until they are recreated:
                    2 pods of replicaset/cache: delete them one at a time; replicaset/cache recreates them
                    1 pod of job/report: a Job's pods are not restarted; its next run gets the change
                    1 pod without a controller: delete and recreate it yourself
                """);
    }

    /** Runs {@code test} with the cluster's injection config standing for {@code revision}. */
    private static void withClusterConfig(String revision, Runnable test) {
        client.configMaps().inNamespace("kubectl-sidecar").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("kubectl-sidecar-config").endMetadata().addToData("config.yaml", AgentWebhooksTest.configText(revision))
                .build()).createOr(r -> r.update());
        try {
            test.run();
        } finally {
            client.configMaps().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-config").delete();
        }
    }

    @Test
    void withANamedRevisionEnableLabelsItAndTakesOffIstioInjectionWhichWouldWin() {
        withClusterConfig("canary", () -> {
            client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                    .addToLabels("istio-injection", "enabled").endMetadata().build());
            createDeploymentPod();

            CliRunner.Result enable = run("enable", "shop");

            assertThat(enable.exitCode()).as(enable.err()).isZero();
            assertThat(enable.out()).isEqualTo("""
                    namespace/shop: injection enabled (istio.io/rev=canary; removed istio-injection=enabled, which wins over istio.io/rev)
                      running pods have no sidecar until they are recreated:
                        deployment/web: kubectl sidecar rollout -n shop --missing (--dry-run to see the plan)
                    """);
            assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels())
                    .containsEntry("istio.io/rev", "canary").doesNotContainKey("istio-injection");
            assertThat(annotations("shop")).containsKey(NamespaceInfo.ENABLED_AT_ANNOTATION);
            assertThat(run("enable", "shop").out()).startsWith("namespace/shop: injection already enabled\n");
            assertThat(run("enable", "shop", "--revision", "stable").err())
                    .isEqualTo("error: --revision stable: the injection config names revisions canary: choose one with --revision\n");

            CliRunner.Result disable = run("disable", "shop");
            assertThat(disable.out()).startsWith("namespace/shop: injection disabled\n");
            assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels()).doesNotContainKey("istio.io/rev");
            assertThat(annotations("shop")).doesNotContainKey(NamespaceInfo.ENABLED_AT_ANNOTATION);
        });
    }

    @Test
    void anotherRevisionsLabelIsIstiodsAndDisableLeavesIt() {
        withClusterConfig("canary", () -> {
            client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                    .addToLabels("istio.io/rev", "stable").endMetadata().build());
            assertThat(run("disable", "shop").out()).startsWith("namespace/shop: injection already disabled\n");
            assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels()).containsEntry("istio.io/rev", "stable");
        });
        assertThat(run("enable", "shop", "--revision", "canary").err()).as("the embedded config names no revision")
                .startsWith("error: --revision canary: the injection config names no revision");
    }

    @Test
    void dashNNamesTheNamespaceWhenNoArgumentDoes() {
        CliRunner.Result enable = run("enable", "-n", "shop");
        assertThat(enable.exitCode()).as(enable.err()).isZero();
        assertThat(enable.out()).startsWith("namespace/shop: injection enabled\n");
        assertThat(label("shop")).isEqualTo("enabled");

        CliRunner.Result disable = run("disable", "--namespace", "shop");
        assertThat(disable.exitCode()).as(disable.err()).isZero();
        assertThat(label("shop")).isNull();

        CliRunner.Result neither = run("enable");
        assertThat(neither.exitCode()).as("never the context's namespace by default").isEqualTo(2);
    }

    @Test
    void enableRecordsSinceWhenAndDisableForgetsIt() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        run("enable", "shop");
        Instant after = Instant.now();

        String enabledAt = annotations("shop").get(NamespaceInfo.ENABLED_AT_ANNOTATION);
        assertThat(Instant.parse(enabledAt)).isBetween(before, after);
        run("enable", "shop");
        assertThat(annotations("shop")).as("an enabled namespace keeps its time").containsEntry(NamespaceInfo.ENABLED_AT_ANNOTATION, enabledAt);

        run("disable", "shop");
        assertThat(label("shop")).isNull();
        assertThat(annotations("shop")).doesNotContainKey(NamespaceInfo.ENABLED_AT_ANNOTATION);
    }

    @Test
    void restartRestartsTheOwningDeployment() {
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("web")
                .withImage("web:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        createDeploymentPod();

        CliRunner.Result run = run("enable", "shop", "--restart");

        assertThat(run.out()).contains("restarting deployment/web… done");
        assertThat(client.apps().deployments().inNamespace("shop").withName("web").get()
                .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/restartedAt");
    }

    @Test
    void dryRunChangesNothing() {
        CliRunner.Result run = run("enable", "shop", "--dry-run");
        assertThat(run.out()).isEqualTo("namespace/shop: would enable injection (dry run)\n");
        assertThat(label("shop")).isNull();
    }

    @Test
    void systemAndAgentNamespacesAreRefusedWithAReason() {
        CliRunner.Result run = run("enable", "kube-system", "kubectl-sidecar");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: refusing to enable kube-system: system namespaces are never injected")
                .contains("error: refusing to enable kubectl-sidecar: the agent's own namespace is never injected");
    }

    @Test
    void withoutTheAgentEnableSaysHowToInstallItAndLabelsOnlyWithForce() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").delete();
        CliRunner.Result refused = run("enable", "shop");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("run `kubectl sidecar install` first");
        assertThat(label("shop")).isNull();

        CliRunner.Result forced = run("enable", "shop", "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(label("shop")).isEqualTo("enabled");
    }

    @Test
    void warnsWhenPodSecurityWouldRejectTheInitContainer() {
        client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
        assertThat(run("enable", "shop").err()).contains("enforces Pod Security \"restricted\"").contains("NET_ADMIN");
    }

    @Test
    void anOptOutLabelIsNotOursToRemove() {
        client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("istio-injection", "disabled").addToLabels("istio.io/rev", "stable").endMetadata().build());
        assertThat(run("disable", "shop").out()).startsWith("namespace/shop: injection already disabled\n");
        assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels())
                .containsEntry("istio-injection", "disabled").containsEntry("istio.io/rev", "stable");
    }

    @Test
    void aConfigMapThatDoesNotParseDoesNotStopDisable() {
        run("enable", "shop");
        client.configMaps().inNamespace("kubectl-sidecar").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("kubectl-sidecar-config").endMetadata().addToData("config.yaml", "policy: sometimes\n").build())
                .createOr(r -> r.update());
        try {
            CliRunner.Result disable = run("disable", "shop");
            assertThat(disable.exitCode()).as(disable.err()).isZero();
            assertThat(disable.err()).startsWith("warning: the injection config could not be read (")
                    .endsWith("): istio.io/rev labels are left as they are\n");
            assertThat(label("shop")).isNull();
        } finally {
            client.configMaps().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-config").delete();
        }
    }

    @Test
    void disableRemovesTheLabelAndSaysRunningPodsKeepTheirSidecar() {
        run("enable", "shop");
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1")
                .addToAnnotations("sidecar.istio.io/status", "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"]}")
                .addNewOwnerReference().withKind("StatefulSet").withName("db").withController(true)
                .withApiVersion("apps/v1").withUid("u2").endOwnerReference()
                .endMetadata().withNewSpec().addNewContainer().withName("db").withImage("db:1").endContainer().endSpec()
                .build()).create();

        CliRunner.Result run = run("disable", "shop");

        assertThat(run.exitCode()).isZero();
        assertThat(label("shop")).isNull();
        assertThat(run.out()).isEqualTo("""
                namespace/shop: injection disabled
                  running pods keep their sidecar until they are recreated:
                    statefulset/db: kubectl sidecar rollout -n shop --stale (--dry-run to see the plan)
                """);
        assertThat(run("disable", "shop").out()).startsWith("namespace/shop: injection already disabled\n");
    }

    @Test
    void anUnreachableClusterIsOneLineSayingSo() throws IOException {
        Path dead = Kubeconfigs.write(java.nio.file.Files.createDirectories(dir.resolve("dead")), "https://127.0.0.1:1", "default");
        CliRunner.Result run = CliRunner.run("enable", "shop", "--kubeconfig", dead.toString(), "--request-timeout", "2s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: cannot reach the cluster at https://127.0.0.1:1").endsWith("\n");
        assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("Exception:");
    }

    @Test
    void noKubeconfigIsOneLineSayingWhatToDo() {
        CliRunner.Result run = CliRunner.run("enable", "shop", "--kubeconfig", dir.resolve("missing").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: stat " + dir.resolve("missing") + ": no such file or directory\n");
    }
}
