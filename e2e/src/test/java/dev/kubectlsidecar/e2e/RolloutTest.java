package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubectl sidecar rollout} on the local cluster with its workload controllers: the real agent injects the
 * pods the controllers re-create, and only the workloads whose pods need it are restarted, in order, each waited for.
 */
class RolloutTest {
    private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    @TempDir
    static Path dir;
    static AgentCluster agents;
    static KubernetesClient client;
    static Plugin plugin;

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.workloadControllers(true));
        client = agents.cluster().client();
        plugin = agents.plugin();
        Plugin.Result install = plugin.run("install", "--timeout", "90s");
        assertThat(install.exitCode()).as(install.both()).isZero();
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    private static void apply(String yaml) {
        for (HasMetadata object : client.load(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))).items()) {
            client.resource(object).create();
        }
    }

    private static String workload(String kind, String namespace, String name, int replicas, String extraLabels) {
        return """
                apiVersion: apps/v1
                kind: %s
                metadata: {name: %s, namespace: %s}
                spec:
                  %s
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s%s}}
                    spec: {containers: [{name: app, image: ghcr.io/example/%s:1}]}
                """.formatted(kind, name, namespace, kind.equals("DaemonSet") ? "" : "replicas: " + replicas, name, name,
                extraLabels, name);
    }

    private static void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private static List<Pod> pods(String namespace, String app) throws InterruptedException {
        return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
    }

    private static boolean hasSidecar(Pod pod) {
        return Stream.concat(pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream())
                .map(Container::getName).anyMatch("istio-proxy"::equals);
    }

    private static void awaitPods(String namespace, String app, int count) throws InterruptedException {
        Poll.until(count + " ready pods of " + namespace + "/" + app, () -> {
            try {
                List<Pod> pods = pods(namespace, app);
                return pods.size() == count && pods.stream().allMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                        ? true : null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String restartedAt(String kind, String namespace, String name) {
        var template = switch (kind) {
            case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name).get().getSpec().getTemplate();
            case "StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(name).get().getSpec().getTemplate();
            default -> client.apps().daemonSets().inNamespace(namespace).withName(name).get().getSpec().getTemplate();
        };
        Map<String, String> annotations = template.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(RESTARTED_AT);
    }

    private static void disruptionsAllowed(String namespace, String name, int allowed) {
        PodDisruptionBudget budget = client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(name).get();
        budget.setStatus(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder()
                .withDisruptionsAllowed(allowed).withCurrentHealthy(1).withDesiredHealthy(1).withExpectedPods(1).build());
        client.policy().v1().podDisruptionBudget().inNamespace(namespace).resource(budget).updateStatus();
    }

    @Test
    void restartsExactlyTheWorkloadsMissingTheirSidecarInOrderAndRespectsDisruptionBudgets() throws Exception {
        namespace("shop");
        apply(workload("Deployment", "shop", "web", 2, ""));
        apply(workload("StatefulSet", "shop", "db", 1, ""));
        apply(workload("DaemonSet", "shop", "logs", 1, ""));
        apply(workload("Deployment", "shop", "optout", 1, ", sidecar.istio.io/inject: \"false\""));
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, namespace: shop, labels: {app: debug}}
                spec: {containers: [{name: app, image: ghcr.io/example/debug:1}]}
                """);
        apply("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: db, namespace: shop}
                spec: {minAvailable: 1, selector: {matchLabels: {app: db}}}
                """);
        disruptionsAllowed("shop", "db", 0);
        awaitPods("shop", "web", 2);
        awaitPods("shop", "db", 1);
        awaitPods("shop", "logs", 1);
        awaitPods("shop", "optout", 1);
        assertThat(pods("shop", "web")).noneMatch(RolloutTest::hasSidecar);
        assertThat(plugin.run("enable", "shop").out()).contains("kubectl sidecar rollout -n shop --missing").doesNotContain("kubectl rollout restart");

        Plugin.Result dryRun = plugin.run("rollout", "-n", "shop", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.both()).isEqualTo(1);
        assertThat(dryRun.out()).containsSubsequence(
                        "daemonset/logs -n shop: would restart (1 pod missing their sidecar)",
                        "deployment/web -n shop: would restart (2 pods missing their sidecar)",
                        "statefulset/db -n shop: skipped: PodDisruptionBudget db allows no disruption now",
                        "pod/debug (no controller) -n shop cannot be restarted: recreate it")
                .doesNotContain("optout");
        assertThat(restartedAt("Deployment", "shop", "web")).as("a dry run changes nothing").isNull();

        Plugin.Result rollout = plugin.run("rollout", "-n", "shop");
        assertThat(rollout.exitCode()).as("the PodDisruptionBudget held db back: " + rollout.both()).isEqualTo(1);
        assertThat(rollout.out()).containsSubsequence(
                "daemonset/logs -n shop: restarting (1 pod missing their sidecar)",
                "daemonset/logs -n shop: rolled out: ",
                "deployment/web -n shop: restarting (2 pods missing their sidecar)",
                "deployment/web -n shop: rolled out: 2 of 2 updated, 2 available, every pod injected, verified and ready",
                "statefulset/db -n shop: skipped: PodDisruptionBudget db allows no disruption now");
        assertThat(restartedAt("DaemonSet", "shop", "logs")).isNotNull();
        assertThat(restartedAt("Deployment", "shop", "web")).isNotNull();
        assertThat(restartedAt("StatefulSet", "shop", "db")).as("held back by its budget").isNull();
        assertThat(restartedAt("Deployment", "shop", "optout")).as("its pods opt out: nothing to do").isNull();
        assertThat(pods("shop", "web")).hasSize(2).allMatch(RolloutTest::hasSidecar);
        assertThat(pods("shop", "logs")).singleElement().matches(RolloutTest::hasSidecar);
        assertThat(client.pods().inNamespace("shop").withName("debug").get()).as("a bare pod is left alone").isNotNull();

        disruptionsAllowed("shop", "db", 1);
        Plugin.Result json = plugin.run("rollout", "-n", "shop", "--missing", "-o", "json");
        assertThat(json.exitCode()).as(json.both()).isZero();
        JsonNode answer = JsonMappers.JSON.readTree(json.out());
        assertThat(answer.path("success").asBoolean()).isTrue();
        assertThat(answer.path("workloads")).singleElement().satisfies(w -> {
            assertThat(w.path("kind").asString()).isEqualTo("StatefulSet");
            assertThat(w.path("name").asString()).isEqualTo("db");
            assertThat(w.path("result").asString()).isEqualTo("restarted");
            assertThat(w.path("problems").toString()).isEqualTo("[\"missing\"]");
        });
        assertThat(answer.path("cannotRestart")).singleElement().satisfies(p -> assertThat(p.path("pod").asString()).isEqualTo("debug"));
        assertThat(pods("shop", "db")).singleElement().matches(RolloutTest::hasSidecar);

        Plugin.Result nothing = plugin.run("rollout", "-n", "shop", "--stale");
        assertThat(nothing.exitCode()).as(nothing.both()).isZero();
        assertThat(nothing.out()).startsWith("No workload needs a restart in namespace shop.");
    }

    @Test
    void restartsStaleSidecarsAfterDisableAndLeavesTheRestAlone() throws Exception {
        namespace("legacy");
        assertThat(plugin.run("enable", "legacy").exitCode()).isZero();
        apply(workload("Deployment", "legacy", "api", 1, ""));
        awaitPods("legacy", "api", 1);
        assertThat(pods("legacy", "api")).singleElement().matches(RolloutTest::hasSidecar);
        namespace("calm");
        assertThat(plugin.run("enable", "calm").exitCode()).isZero();
        apply(workload("Deployment", "calm", "fine", 1, ""));
        awaitPods("calm", "fine", 1);

        Plugin.Result disable = plugin.run("disable", "legacy");
        assertThat(disable.out()).contains("kubectl sidecar rollout -n legacy --stale").doesNotContain("kubectl rollout restart");
        Plugin.Result rollout = plugin.run("rollout", "-A", "--stale");
        assertThat(rollout.exitCode()).as(rollout.both()).isZero();
        assertThat(rollout.out()).contains("deployment/api -n legacy: rolled out").doesNotContain("calm");
        assertThat(pods("legacy", "api")).singleElement().matches(pod -> !hasSidecar(pod));
        assertThat(restartedAt("Deployment", "calm", "fine")).isNull();
    }

    @Test
    void severalNamespacesAreRolledOutInTheOrderGivenOneWorkloadAtATime() throws Exception {
        for (String namespace : List.of("zeta", "alpha", "beta")) {
            namespace(namespace);
            apply(workload("Deployment", namespace, "svc", 1, ""));
            awaitPods(namespace, "svc", 1);
            assertThat(plugin.run("enable", namespace).exitCode()).isZero();
        }

        Plugin.Result rollout = plugin.run("rollout", "-n", "zeta", "-n", "alpha", "--missing");
        assertThat(rollout.exitCode()).as(rollout.both()).isZero();
        assertThat(rollout.out()).containsSubsequence("deployment/svc -n zeta: restarting", "deployment/svc -n zeta: rolled out",
                "deployment/svc -n alpha: restarting", "deployment/svc -n alpha: rolled out").doesNotContain("beta");
        assertThat(pods("zeta", "svc")).singleElement().matches(RolloutTest::hasSidecar);
        assertThat(pods("alpha", "svc")).singleElement().matches(RolloutTest::hasSidecar);
        assertThat(restartedAt("Deployment", "beta", "svc")).as("not named").isNull();
        assertThat(pods("beta", "svc")).singleElement().matches(pod -> !hasSidecar(pod));
    }

    @Test
    void aRolloutThatCannotFinishStopsTheRunAndSaysWhich() throws Exception {
        namespace("jam");
        apply(workload("Deployment", "jam", "a-broken", 1, ""));
        apply(workload("Deployment", "jam", "b-next", 1, ""));
        awaitPods("jam", "a-broken", 1);
        awaitPods("jam", "b-next", 1);
        assertThat(plugin.run("enable", "jam").exitCode()).isZero();
        // Another webhook (a policy engine, say) that is down and fails closed for a-broken's pods.
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("a-policy-engine").endMetadata()
                .addNewWebhook().withName("check.policy.example.com").withFailurePolicy("Fail").withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withNewClientConfig().withNewService().withNamespace("policy").withName("engine").endService().endClientConfig()
                .addNewRule().withOperations("CREATE").withApiGroups("").withApiVersions("v1").withResources("pods").endRule()
                .withNewObjectSelector().addToMatchLabels("app", "a-broken").endObjectSelector()
                .endWebhook().build()).create();
        try {
            Plugin.Result rollout = plugin.run("rollout", "-n", "jam", "--timeout", "4s");
            assertThat(rollout.exitCode()).as(rollout.both()).isEqualTo(1);
            assertThat(rollout.out()).containsSubsequence("deployment/a-broken -n jam: restarting",
                            "deployment/a-broken -n jam: not done within 4s: 0 of 1 updated",
                            "failed calling webhook \"check.policy.example.com\"",
                            "deployment/b-next -n jam: not started: an earlier rollout failed")
                    .contains("1 failed").contains("1 not started");
            assertThat(restartedAt("Deployment", "jam", "b-next")).as("the run stopped before it").isNull();
        } finally {
            client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("a-policy-engine").delete();
        }
    }
}
