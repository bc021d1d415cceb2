package dev.kubectlsidecar.injector.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.Json;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

/** The precedence table of {@link InjectionPolicy}, row by row. */
class InjectionPolicyTest {
    private static final InjectionConfig ENABLED = ConfigLoader.embeddedDefault();
    private static final InjectionConfig DISABLED = ConfigLoader.parse("test", """
            policy: disabled
            defaultProfile: p
            profiles:
              p: {proxyImage: envoy, initImage: iptables}
            """);

    @ParameterizedTest(name = "[{index}] hostNetwork={0} ns={1} nsLabel={2} label={3} annotation={4} policy={5} -> {6}")
    @CsvSource(nullValues = "-", value = {
            // hostNetwork, namespace, ns label (- unknown, none = no label), pod label, pod annotation, policy, inject?, first reason code
            "true,  shop,        -,        true,  -,     enabled,  false, hostNetwork",
            "false, kube-system, -,        true,  -,     enabled,  false, ignoredNamespace",
            "false, kube-public, enabled,  true,  -,     enabled,  false, ignoredNamespace",
            "false, shop,        disabled, true,  -,     enabled,  false, namespaceDisabled",
            "false, shop,        none,     -,     -,     enabled,  false, namespaceNotLabelled",
            "false, shop,        none,     -,     true,  enabled,  false, namespaceNotLabelled",
            "false, shop,        none,     true,  -,     enabled,  true,  podOptIn",
            "false, shop,        enabled,  -,     -,     enabled,  true,  namespaceEnabled",
            "false, shop,        enabled,  false, true,  enabled,  false, namespaceEnabled",
            "false, shop,        enabled,  -,     -,     disabled, false, namespaceEnabled",
            "false, shop,        enabled,  -,     true,  disabled, true,  namespaceEnabled",
            "false, shop,        -,        false, true,  enabled,  false, podOptOut",
            "false, shop,        -,        true,  false, disabled, true,  podOptIn",
            "false, shop,        -,        YES,   -,     disabled, true,  podOptIn",
            "false, shop,        -,        On,    -,     disabled, true,  podOptIn",
            "false, shop,        -,        y,     -,     disabled, true,  podOptIn",
            "false, shop,        -,        enabled, -,   enabled,  false, podOptOut",
            "false, shop,        -,        -,     no,    enabled,  false, podOptOut",
            "false, shop,        -,        -,     true,  disabled, true,  podOptIn",
            "false, shop,        -,        -,     -,     enabled,  true,  policyEnabled",
            "false, shop,        -,        -,     -,     disabled, false, policyDisabled",
    })
    void decides(boolean hostNetwork, String namespace, String nsLabel, String label, String annotation,
                 String policy, boolean inject, String firstReason) {
        ObjectNode pod = Json.object();
        ObjectNode metadata = pod.putObject("metadata");
        if (label != null) {
            metadata.putObject("labels").put(InjectionPolicy.INJECT_KEY, label);
        }
        if (annotation != null) {
            metadata.putObject("annotations").put(InjectionPolicy.INJECT_KEY, annotation);
        }
        pod.putObject("spec").put("hostNetwork", hostNetwork).putArray("containers").addObject().put("name", "app");
        NamespaceInfo ns = nsLabel == null ? NamespaceInfo.unlabelled(namespace)
                : new NamespaceInfo(namespace, nsLabel.equals("none") ? Map.of() : Map.of("istio-injection", nsLabel));

        Decision decision = InjectionPolicy.decide(pod, ns, policy.equals("enabled") ? ENABLED : DISABLED);

        assertThat(decision.inject()).isEqualTo(inject);
        assertThat(decision.reasons()).isNotEmpty();
        assertThat(decision.reasons().get(0).code().id()).isEqualTo(firstReason);
        assertThat(decision.summary()).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void theAgentsOwnNamespaceIsIgnoredOnceAdded() {
        ObjectNode pod = Json.object();
        pod.putObject("spec").putArray("containers").addObject().put("name", "app");
        InjectionConfig config = ENABLED.ignoring("kubectl-sidecar");
        Decision decision = InjectionPolicy.decide(pod, NamespaceInfo.unlabelled("kubectl-sidecar"), config);
        assertThat(decision.inject()).isFalse();
        assertThat(decision.summary()).isEqualTo("namespace kubectl-sidecar is never injected");
    }
}
