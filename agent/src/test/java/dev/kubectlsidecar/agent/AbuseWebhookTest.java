package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pods that ask the webhook for more than the config gives, over HTTPS: a request for privilege is denied with the
 * engine's message naming the annotation or field; an ignored choice and an app running as the proxy's UID are
 * admitted with the engine's warnings, and the sidecar is the config's.
 */
class AbuseWebhookTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault().ignoring("kubectl-sidecar"));
    private static final PodRequest WEBHOOK = new PodRequest(NamespaceInfo.unlabelled("shop"), null, KubeVersion.UNKNOWN);

    @Test
    void aCapabilityForTheProxyIsDeniedNamingTheField() throws Exception {
        ObjectNode pod = Reviews.pod("caps");
        ((ArrayNode) pod.at("/spec/containers")).addObject().put("name", "istio-proxy").put("image", "auto")
                .putObject("securityContext").putObject("capabilities").putArray("add").add("NET_ADMIN");
        assertDeniedLikeTheEngine(pod, "spec.containers[1].securityContext.capabilities.add");
    }

    @Test
    void tproxyIsDeniedNamingTheAnnotation() throws Exception {
        assertDeniedLikeTheEngine(Reviews.annotated(Reviews.pod("tproxy"), "sidecar.istio.io/interceptionMode", "TPROXY"),
                "sidecar.istio.io/interceptionMode");
    }

    @Test
    void anImageChoiceAndAnAppRunningAsTheProxyAreAdmittedWithWarnings() throws Exception {
        ObjectNode pod = Reviews.annotated(Reviews.pod("warned"), "sidecar.istio.io/proxyImage", "evil/proxy:1");
        ((ObjectNode) pod.get("spec")).putObject("securityContext").put("runAsUser", 1337);
        PodInjection expected = ENGINE.inject(pod, WEBHOOK);

        JsonNode response = running.reviewOk(Reviews.podCreate("abuse-3", "shop", pod));
        assertThat(response.get("allowed").asBoolean()).isTrue();
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(w -> warnings.add(w.asString()));
        assertThat(warnings).isEqualTo(expected.warnings()).hasSize(2);
        assertThat(warnings.get(0)).contains("sidecar.istio.io/proxyImage").contains("ignored");
        assertThat(warnings.get(1)).startsWith("container app runs as the proxy's UID 1337").contains("bypasses the proxy");
        JsonNode patched = Reviews.patched(pod, response);
        Trees.assertSameTree("patched pod", patched, expected.pod());
        assertThat(patched.at("/spec/containers/0/name").asString()).as("the holding proxy is first").isEqualTo("istio-proxy");
        assertThat(patched.at("/spec/containers/0/image").asString()).isEqualTo(ENGINE.config().profile("envoy").proxyImage());
    }

    private static void assertDeniedLikeTheEngine(ObjectNode pod, String named) throws Exception {
        Throwable refusal = catchThrowable(() -> ENGINE.inject(pod, WEBHOOK));
        assertThat(refusal).as("the engine refuses it").isNotNull();

        JsonNode response = running.reviewOk(Reviews.podCreate("abuse-" + named, "shop", pod));
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(400);
        assertThat(response.at("/status/message").asString()).isEqualTo(refusal.getMessage()).contains(named);
        assertThat(response.has("patch")).isFalse();
        assertThat(JsonMappers.JSON.writeValueAsString(response)).doesNotContain("\\n");
    }
}
