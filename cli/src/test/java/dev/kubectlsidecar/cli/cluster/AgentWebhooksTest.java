package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhooks {@code install} writes select exactly the pods the policy injects when it knows the namespace's
 * labels ({@code status}, {@code enable}), over every combination of the labels that decide it: what the API
 * server sends the agent and what {@code status} expects cannot drift apart.
 */
class AgentWebhooksTest {
    private static final List<String> INJECTION = listOf(null, "enabled", "disabled", "other");
    private static final List<String> REVISION = listOf(null, "canary", "stable", "default");
    private static final List<String> OPT_IN = listOf(null, "true", "false");

    private static List<String> listOf(String... values) {
        return java.util.Arrays.asList(values);
    }

    /** The embedded default config with the istio profile as the default one, standing for {@code revision}. */
    static String configText(String revision) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("defaultProfile: envoy", "defaultProfile: istio")
                    .replace("revision: \"\"", "revision: \"" + revision + "\"");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static InjectionConfig config(String revision) {
        return ConfigLoader.parse("test", configText(revision));
    }

    private static List<MutatingWebhook> webhooks(InjectionConfig config) {
        ObjectNode resource = AgentManifests.render(AgentSettings.DEFAULTS, config, null).stream()
                .filter(r -> "MutatingWebhookConfiguration".equals(r.path("kind").asString())).findFirst().orElseThrow();
        return Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(resource), MutatingWebhookConfiguration.class).getWebhooks();
    }

    private static boolean selected(List<MutatingWebhook> webhooks, Map<String, String> namespace, Map<String, String> pod) {
        return webhooks.stream().anyMatch(w -> LabelSelectors.matches(w.getNamespaceSelector(), namespace)
                && LabelSelectors.matches(w.getObjectSelector(), pod));
    }

    private static Map<String, String> labels(String... keysAndValues) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                labels.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return labels;
    }

    @Test
    void theWebhooksSelectWhatThePolicyInjects() {
        for (String revision : List.of("", "canary")) {
            InjectionConfig config = config(revision);
            List<MutatingWebhook> webhooks = webhooks(config);
            List<String> disagreements = new ArrayList<>();
            for (String injection : INJECTION) {
                for (String namespaceRevision : REVISION) {
                    for (String optIn : OPT_IN) {
                        for (String podRevision : REVISION) {
                            Map<String, String> namespace = labels("istio-injection", injection, "istio.io/rev", namespaceRevision,
                                    "kubernetes.io/metadata.name", "shop");
                            Map<String, String> podLabels = labels("sidecar.istio.io/inject", optIn, "istio.io/rev", podRevision);
                            ObjectNode pod = Json.object();
                            ObjectNode metadata = pod.putObject("metadata");
                            podLabels.forEach(metadata.putObject("labels")::put);
                            pod.putObject("spec").putArray("containers").addObject().put("name", "app");
                            boolean injects = InjectionPolicy.decide(pod, new NamespaceInfo("shop", namespace), config).inject();
                            if (injects != selected(webhooks, namespace, podLabels)) {
                                disagreements.add("revision '" + revision + "' namespace " + namespace + " pod " + podLabels
                                        + ": policy " + (injects ? "injects" : "skips"));
                            }
                        }
                    }
                }
            }
            assertThat(disagreements).isEmpty();
        }
    }

    @Test
    void aNamedRevisionGetsIstiodsRevisionedPair() {
        List<MutatingWebhook> webhooks = webhooks(config("canary"));
        assertThat(webhooks).extracting(MutatingWebhook::getName)
                .containsExactly("rev.namespace.sidecar.kubectl-sidecar.dev", "rev.object.sidecar.kubectl-sidecar.dev");
        assertThat(Serialization.asJson(webhooks.get(0).getNamespaceSelector())).isEqualTo("{\"matchExpressions\":["
                + "{\"key\":\"istio.io/rev\",\"operator\":\"In\",\"values\":[\"canary\"]},"
                + "{\"key\":\"istio-injection\",\"operator\":\"DoesNotExist\"},"
                + "{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":[\"kube-system\",\"kubectl-sidecar\"]}]}");
        assertThat(Serialization.asJson(webhooks.get(1).getObjectSelector())).isEqualTo("{\"matchExpressions\":["
                + "{\"key\":\"sidecar.istio.io/inject\",\"operator\":\"NotIn\",\"values\":[\"false\"]},"
                + "{\"key\":\"istio.io/rev\",\"operator\":\"In\",\"values\":[\"canary\"]}]}");
        assertThat(webhooks).allSatisfy(w -> {
            assertThat(w.getClientConfig().getService().getName()).isEqualTo("kubectl-sidecar-agent");
            assertThat(w.getReinvocationPolicy()).isEqualTo("IfNeeded");
        });
    }

    @Test
    void theSelectionComparesTermsNotTheirOrder() {
        var installed = JsonMappers.JSON.readTree("{\"webhooks\":[{\"name\":\"a\",\"namespaceSelector\":{\"matchExpressions\":["
                + "{\"key\":\"x\",\"operator\":\"DoesNotExist\",\"values\":[]},{\"key\":\"y\",\"operator\":\"In\",\"values\":[\"2\",\"1\"]}]}}]}");
        var wanted = JsonMappers.JSON.readTree("{\"webhooks\":[{\"name\":\"a\",\"namespaceSelector\":{\"matchExpressions\":["
                + "{\"key\":\"y\",\"operator\":\"In\",\"values\":[\"1\",\"2\"]},{\"key\":\"x\",\"operator\":\"DoesNotExist\"}]},"
                + "\"objectSelector\":{}}]}");
        assertThat(AgentWebhooks.sameSelection(installed, wanted)).isTrue();
        assertThat(AgentWebhooks.sameSelection(installed, JsonMappers.JSON.readTree("{\"webhooks\":[{\"name\":\"a\"}]}"))).isFalse();
    }
}
