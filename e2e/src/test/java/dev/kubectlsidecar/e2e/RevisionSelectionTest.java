package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code istio.io/rev} in the cluster: with a config naming revision canary, {@code install} writes istiod's
 * revisioned webhooks (rev.namespace, rev.object) and the local cluster's API server, applying their selectors,
 * sends the agent exactly the pods istiod's canary injector would get; {@code enable}, {@code status},
 * {@code verify} and {@code disable} agree. Without a named revision the same labels select nothing.
 */
class RevisionSelectionTest {
    @TempDir
    Path dir;
    private KubernetesClient client;
    private Plugin plugin;

    private Path config(String revision) throws IOException {
        try (InputStream in = RevisionSelectionTest.class.getResourceAsStream("/dev/kubectlsidecar/injector/config/default-config.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("defaultProfile: envoy", "defaultProfile: istio")
                    .replace("revision: \"\"", "revision: \"" + revision + "\"");
            return Files.writeString(dir.resolve("config-" + revision + ".yaml"), text);
        }
    }

    private void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).create();
    }

    private Pod create(String namespace, String name, Map<String, String> labels) {
        return client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("ghcr.io/example/app:1").endContainer()
                .endSpec().build()).create();
    }

    private static Container proxy(Pod pod) {
        return Stream.concat(pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream())
                .filter(c -> c.getName().equals("istio-proxy")).findFirst().orElse(null);
    }

    private JsonNode state(String namespace, String name) {
        Plugin.Result status = plugin.run("status", name, "-n", namespace, "-o", "json");
        assertThat(status.exitCode()).as(status.both()).isZero();
        return JsonMappers.JSON.readTree(status.out()).path("pods").get(0);
    }

    /** Whether the stored pod got the sidecar; status says the same, with the reason code given, nothing missing. */
    private void assertInjected(Pod pod, boolean injected, String code) {
        assertThat(proxy(pod) != null).as(pod.getMetadata().getName() + " injected").isEqualTo(injected);
        JsonNode state = state(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        assertThat(state.path("injected").asBoolean()).as(state.toString()).isEqualTo(injected);
        // whether the proxy is ready yet is the kubelet's timing; what selection decides is never missing or stale
        assertThat(state.path("problems").toString()).as(state.toString()).doesNotContain("missing").doesNotContain("stale")
                .doesNotContain("invalid");
        assertThat(state.path("reasons").findValuesAsString("code")).as(state.toString()).contains(code);
    }

    @Test
    void istioRevSelectsAsIstiodsRevisionedWebhooksDo() throws Exception {
        try (AgentCluster agents = AgentCluster.start(dir, builder -> builder)) {
            client = agents.cluster().client();
            plugin = agents.plugin();
            selectsAsIstiodsRevisionedWebhooksDo();
        }
    }

    private void selectsAsIstiodsRevisionedWebhooksDo() throws Exception {
        Plugin.Result install = plugin.run("install", "--config", config("canary").toString(), "--timeout", "90s");
        assertThat(install.exitCode()).as(install.both()).isZero();
        assertThat(install.out()).contains("configmap/kubectl-sidecar-config created");
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").get()
                .getWebhooks()).extracting(w -> w.getName())
                .containsExactly("rev.namespace.sidecar.kubectl-sidecar.dev", "rev.object.sidecar.kubectl-sidecar.dev");

        namespace("shop", Map.of("istio-injection", "enabled"));
        Plugin.Result enable = plugin.run("enable", "shop");
        assertThat(enable.exitCode()).as(enable.both()).isZero();
        assertThat(enable.out()).startsWith("namespace/shop: injection enabled (istio.io/rev=canary; removed "
                + "istio-injection=enabled, which wins over istio.io/rev)");
        assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels())
                .containsEntry("istio.io/rev", "canary").doesNotContainKey("istio-injection");

        Pod web = create("shop", "web", Map.of());
        assertInjected(web, true, "namespaceRevision");
        assertThat(proxy(web).getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("CA_ADDR", "istiod-canary.istio-system.svc:15012"));
        assertInjected(create("shop", "opted-out", Map.of("sidecar.istio.io/inject", "false")), false, "podOptOut");
        // the namespace's revision wins over the pod's, as istiod's rev.namespace webhook has it; ours then steps aside
        assertInjected(create("shop", "stable-pod", Map.of("istio.io/rev", "stable")), false, "otherRevision");

        namespace("legacy", Map.of("istio-injection", "enabled", "istio.io/rev", "canary"));
        assertInjected(create("legacy", "web", Map.of("istio.io/rev", "canary")), false, "namespaceNotLabelled");
        namespace("off", Map.of("istio-injection", "disabled"));
        assertInjected(create("off", "web", Map.of("istio.io/rev", "canary")), false, "namespaceDisabled");
        namespace("stable", Map.of("istio.io/rev", "stable"));
        assertInjected(create("stable", "web", Map.of("istio.io/rev", "canary")), false, "otherRevision");
        namespace("plain", Map.of());
        assertInjected(create("plain", "canary-pod", Map.of("istio.io/rev", "canary")), true, "podRevision");
        assertInjected(create("plain", "opt-in", Map.of("sidecar.istio.io/inject", "true")), false, "namespaceNotLabelled");
        assertInjected(create("plain", "canary-opt-out", Map.of("istio.io/rev", "canary", "sidecar.istio.io/inject", "false")),
                false, "podOptOut");

        Plugin.Result verify = plugin.run("verify", "-n", "shop");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("✔ webhooks select istio.io/rev=canary, as the injection config says")
                .contains("✔ a dry-run pod in namespace shop comes back injected");

        // next to istiod: a pod its webhook injected first is left as it is, and its revision tag's webhook is reported
        Pod istiods = client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("istiods")
                .addToAnnotations("sidecar.istio.io/status", "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],"
                        + "\"volumes\":[\"istio-data\"],\"imagePullSecrets\":null,\"revision\":\"canary\"}")
                .endMetadata().withNewSpec()
                .addNewInitContainer().withName("istio-init").withImage("docker.io/istio/proxyv2:1.28.0")
                .withArgs("istio-iptables", "-p", "15001").endInitContainer()
                .addNewContainer().withName("app").withImage("ghcr.io/example/app:1").endContainer()
                .addNewContainer().withName("istio-proxy").withImage("docker.io/istio/proxyv2:1.28.0").withArgs("proxy", "sidecar")
                .endContainer()
                .addNewVolume().withName("istio-data").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build()).create();
        assertThat(istiods.getSpec().getContainers()).extracting(Container::getName).containsExactly("app", "istio-proxy");
        assertThat(istiods.getMetadata().getAnnotations()).doesNotContainKey("kubectl-sidecar/template-hash");
        assertThat(state("shop", "istiods").path("reasons").findValuesAsString("code")).contains("injectedByIstiod");
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(IstiodWebhooks.of("istio-revision-tag-canary",
                "rev.namespace.sidecar-injector.istio.io", new LabelSelectorBuilder()
                        .addNewMatchExpression().withKey("istio.io/rev").withOperator("In").withValues("canary").endMatchExpression()
                        .addNewMatchExpression().withKey("istio-injection").withOperator("DoesNotExist").endMatchExpression()
                        .build(), null)).create();
        Plugin.Result overlapping = plugin.run("verify", "-n", "shop");
        assertThat(overlapping.out()).contains("‼ 1 other injector webhook matches the same pods")
                .contains("Istio's webhook istio-revision-tag-canary/rev.namespace.sidecar-injector.istio.io also injects pods of namespace shop");
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("istio-revision-tag-canary").delete();

        assertThat(plugin.run("disable", "shop").out()).startsWith("namespace/shop: injection disabled");
        assertThat(client.namespaces().withName("shop").get().getMetadata().getLabels()).doesNotContainKey("istio.io/rev");
        assertThat(plugin.run("disable", "stable").out()).as("another revision's label is istiod's")
                .startsWith("namespace/stable: injection already disabled");

        // the config changes, the webhooks do not follow until install runs again: verify says so
        String unnamed = Files.readString(config(""));
        client.configMaps().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-config")
                .edit(map -> {
                    map.getData().put("config.yaml", unnamed);
                    return map;
                });
        Poll.until("the agent runs the new config", () -> plugin.run("version").out().contains("not yet") ? null : true);
        Plugin.Result stale = plugin.run("verify", "-n", "plain");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.out()).contains("✘ webhooks do not select namespaces labelled istio-injection=enabled and pods opting in, "
                + "as the injection config says");
        Plugin.Result reinstall = plugin.run("install", "--timeout", "90s");
        assertThat(reinstall.exitCode()).as(reinstall.both()).isZero();
        assertInjected(create("plain", "canary-pod-2", Map.of("istio.io/rev", "canary")), false, "namespaceNotLabelled");
        assertInjected(create("plain", "opt-in-2", Map.of("sidecar.istio.io/inject", "true")), true, "podOptIn");
    }
}
