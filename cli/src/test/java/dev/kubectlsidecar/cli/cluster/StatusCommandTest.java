package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.KubectlJson;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** status against the mock API server, with no agent: the states are computed from the pods, and it says so. */
@EnableKubernetesMockClient(crud = true)
class StatusCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;
    Path kubeconfig;

    private static ObjectNode pod(String name, String labels) {
        return (ObjectNode) JsonMappers.YAML.readTree("""
                metadata:
                  name: %s
                  namespace: shop
                  labels: {%s}
                  creationTimestamp: "2020-01-01T00:00:00Z"
                spec:
                  containers: [{name: app, image: app:1}]
                """.formatted(name, labels));
    }

    private void create(JsonNode pod) {
        client.pods().inNamespace("shop").resource(Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(pod), Pod.class)).create();
    }

    @BeforeEach
    void cluster() throws IOException {
        kubeconfig = Kubeconfigs.write(dir, server.url("/"), "shop");
        client.pods().inAnyNamespace().delete();
        client.namespaces().withName("shop").delete();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("istio-injection", "enabled").endMetadata().build()).create();
        ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault())
                .inject(pod("web-1", "app: web"), PodRequest.offline("shop")).pod();
        injected.putObject("status").putArray("containerStatuses").addObject()
                .put("name", "istio-proxy").put("ready", true).put("restartCount", 0);
        create(injected);
        create(pod("old-1", "app: old"));
        create(pod("db-1", "app: db, sidecar.istio.io/inject: \"false\""));
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(AgentNames.WEBHOOK_CONFIGURATION).delete();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(AgentNames.WEBHOOK_CONFIGURATION).endMetadata()
                .addNewWebhook().withName("inject.kubectl-sidecar.dev").withFailurePolicy("Ignore").endWebhook().build()).create();
    }

    private CliRunner.Result run(String... args) {
        String[] full = java.util.Arrays.copyOf(args, args.length + 2);
        full[args.length] = "--kubeconfig";
        full[args.length + 1] = kubeconfig.toString();
        return CliRunner.run(full);
    }

    @Test
    void showsASummaryAndAPodTableWithReasons() {
        CliRunner.Result run = run("status");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).startsWith("note: the agent could not be reached").contains("computed from the pods directly");
        String[] lines = run.out().split("\n");
        assertThat(lines[0]).isEqualTo("namespace shop: injection enabled · 3 pods: 1 injected, 2 not injected, 0 stale, 0 iptables problems");
        assertThat(lines[2]).matches("POD\\s+OWNER\\s+SIDECAR\\s+PROXY\\s+IPTABLES\\s+AGE\\s+REASON");
        assertThat(run.out()).containsPattern("db-1\\s+-\\s+no\\s+-\\s+-\\s+\\d+[smhd]\\s+pod label sidecar.istio.io/inject=false")
                .containsPattern("old-1\\s+-\\s+no\\s+-\\s+-\\s+\\d+[smhd]\\s+created before injection was enabled, or while the agent did not answer under failurePolicy Ignore: restart it")
                .containsPattern("web-1\\s+-\\s+yes\\s+ready\\s+unknown\\s+\\d+[smhd]\\s+namespace label istio-injection=enabled matches")
                .endsWith("\n1 without their sidecar: kubectl sidecar rollout -n shop restarts their workloads (--dry-run to see the plan)\n")
                .doesNotContain("kubectl rollout restart");
    }

    @Test
    void aPodCreatedAfterEnableWithoutASidecarWasLetThroughWithoutTheWebhook() {
        client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToAnnotations(NamespaceInfo.ENABLED_AT_ANNOTATION, "2001-01-01T00:00:00Z").endMetadata().build());

        JsonNode old = JsonMappers.JSON.readTree(run("status", "old-1", "-o", "json").out()).path("pods").get(0);

        assertThat(old.path("injected").asBoolean()).isFalse();
        assertThat(old.path("reasons").get(old.path("reasons").size() - 1).path("message").asString()).isEqualTo("created after injection "
                + "was enabled, but the API server skipped the webhook (the agent did not answer and failurePolicy is Ignore): restart it");
    }

    @Test
    void afterUninstallAPodInAStillLabelledNamespaceHasNoWebhookConfigurationToInjectIt() {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(AgentNames.WEBHOOK_CONFIGURATION).delete();

        JsonNode old = JsonMappers.JSON.readTree(run("status", "old-1", "-o", "json").out()).path("pods").get(0);

        JsonNode last = old.path("reasons").get(old.path("reasons").size() - 1);
        assertThat(last.path("code").asString()).isEqualTo("noWebhookConfiguration");
        assertThat(last.path("message").asString()).startsWith("no webhook configuration is installed").doesNotContain("Ignore");
        assertThat(old.path("problem").asString()).isEqualTo("missing");
        assertThat(run("status").out()).containsPattern("old-1\\s+-\\s+no\\s+.*no webhook configuration is installed");
    }

    @Test
    void anAppRunningAsTheProxyIsFlaggedInTheTableAndTheJson() {
        ObjectNode pod = pod("root-1", "app: root");
        ((ObjectNode) pod.get("spec")).putObject("securityContext").put("runAsGroup", 1337);
        create(new InjectionEngine(ConfigLoader.embeddedDefault()).inject(pod, PodRequest.offline("shop")).pod());

        CliRunner.Result table = run("status");
        assertThat(table.out().split("\n")[0]).endsWith("0 iptables problems, 1 bypassing the proxy");
        assertThat(table.out()).containsPattern("root-1\\s+-\\s+yes\\s+missing\\s+unknown\\s+\\d+[smhd]\\s+container app runs "
                + "as the proxy's GID 1337 \\(spec.securityContext.runAsGroup\\)");
        JsonNode json = JsonMappers.JSON.readTree(run("status", "root-1", "-o", "json").out()).path("pods").get(0);
        assertThat(json.path("proxyBypass").asBoolean()).isTrue();
        assertThat(JsonMappers.JSON.readTree(run("status", "web-1", "-o", "json").out()).at("/pods/0/proxyBypass").asBoolean()).isFalse();
    }

    @Test
    void aJobPodKeptRunningByItsClassicProxyIsFlagged() {
        ObjectNode pod = pod("report-1", "app: report");
        ((ObjectNode) pod.get("spec")).put("restartPolicy", "Never");
        ObjectNode injected = new InjectionEngine(ConfigLoader.embeddedDefault()).inject(pod, PodRequest.offline("shop")).pod();
        var statuses = injected.putObject("status").put("phase", "Running").putArray("containerStatuses");
        statuses.addObject().put("name", "istio-proxy").put("ready", true).putObject("state").putObject("running");
        statuses.addObject().put("name", "app").putObject("state").putObject("terminated").put("exitCode", 0);
        create(injected);

        CliRunner.Result table = run("status");
        assertThat(table.out().split("\n")[0]).endsWith(", 1 held running by the proxy after their job");
        assertThat(table.out()).containsPattern("report-1\\s+.*its app containers have finished, but its classic sidecar");
        JsonNode json = JsonMappers.JSON.readTree(run("status", "report-1", "-o", "json").out()).path("pods").get(0);
        assertThat(json.path("heldByProxy").asBoolean()).isTrue();
        assertThat(JsonMappers.JSON.readTree(run("status", "web-1", "-o", "json").out()).at("/pods/0/heldByProxy").asBoolean()).isFalse();
    }

    @Test
    void jsonHasTheDocumentedShape() {
        JsonNode json = JsonMappers.JSON.readTree(run("status", "web-1", "-o", "json").out());
        JsonNode pod = json.path("pods").get(0);
        assertThat(json.path("pods")).hasSize(1);
        for (String field : new String[] {"namespace", "name", "owner", "injected", "proxy", "iptables", "stale", "proxyBypass",
                "reasons"}) {
            assertThat(pod.has(field)).as(field).isTrue();
        }
        assertThat(pod.path("injected").asBoolean()).isTrue();
        assertThat(pod.path("proxy").asString()).isEqualTo("ready");
        assertThat(pod.path("iptables").asString()).isEqualTo("unknown");
    }

    @Test
    void jsonIsPrintedAsEveryOtherDashOJson() {
        String out = run("status", "web-1", "-o", "json").out();
        assertThat(out).isEqualTo(KubectlJson.write(JsonMappers.JSON.readTree(out))).contains("\n  \"pods\": [\n");
    }

    @Test
    void wideAddsProfileImageNativeAndHash() {
        assertThat(run("status", "-o", "wide").out().split("\n")[2])
                .matches("POD\\s+OWNER\\s+SIDECAR\\s+PROXY\\s+IPTABLES\\s+AGE\\s+PROFILE\\s+IMAGE\\s+NATIVE\\s+HASH\\s+REASON");
    }

    @Test
    void selectorAndAllNamespacesFilter() {
        assertThat(run("status", "-A", "-l", "app=web", "-o", "json").out()).contains("\"web-1\"").doesNotContain("old-1");
    }

    @Test
    void anUnknownPodIsAnError() {
        CliRunner.Result run = run("status", "nope");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).endsWith("error: pod nope not found in namespace shop\n");
    }

    @Test
    void theTableIsCutToTheTerminalWidth() {
        Table table = new Table(java.util.List.of("A", "REASON"));
        table.add(java.util.List.of("x", "a very long reason that does not fit"));
        assertThat(table.render(20)).isEqualTo("A   REASON\nx   a very long rea…\n");
    }
}
