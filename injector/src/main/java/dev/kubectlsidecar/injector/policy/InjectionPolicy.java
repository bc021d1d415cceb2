package dev.kubectlsidecar.injector.policy;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InjectionPolicyDefault;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Istio's injection decision, in Istio's order. The first rule that applies wins:
 *
 * <table>
 *   <caption>precedence</caption>
 *   <tr><th>#</th><th>rule</th><th>result</th></tr>
 *   <tr><td>1</td><td>{@code spec.hostNetwork: true}</td><td>skip</td></tr>
 *   <tr><td>2</td><td>namespace is kube-system, kube-public, kube-node-lease, the agent's or configured</td><td>skip</td></tr>
 *   <tr><td>3</td><td>(labels known) namespace label {@code istio-injection=disabled}</td><td>skip</td></tr>
 *   <tr><td>4</td><td>(labels known) none of the agent's webhooks selects the pod ({@link WebhookSelection}: without a
 *   named revision {@code istio-injection=enabled} or pod label {@code sidecar.istio.io/inject=true}; with one,
 *   {@code istio.io/rev} naming it)</td><td>skip</td></tr>
 *   <tr><td>5</td><td>pod label {@code sidecar.istio.io/inject}, else the annotation of that name</td><td>true/y/yes/on (any case) inject; any other value skips</td></tr>
 *   <tr><td>6</td><td>neither set</td><td>the config's {@code policy}</td></tr>
 * </table>
 *
 * Rules 3 and 4 are what the webhook's namespaceSelector/objectSelector do in the API server; the policy applies
 * them only when the caller knows the namespace's labels ({@code status}), so every caller gets the same answer.
 */
public final class InjectionPolicy {
    public static final String INJECT_KEY = "sidecar.istio.io/inject";
    private static final Set<String> YES = Set.of("y", "yes", "true", "on");

    private InjectionPolicy() {
    }

    /** @param pod a Pod or pod template: an object with {@code metadata} and {@code spec}. */
    public static Decision decide(JsonNode pod, NamespaceInfo namespace, InjectionConfig config) {
        JsonNode spec = pod.path("spec");
        if (spec.path("hostNetwork").asBoolean(false)) {
            return Decision.skip(List.of(Reason.hostNetwork()));
        }
        if (config.isIgnoredNamespace(namespace.name())) {
            return Decision.skip(List.of(Reason.ignoredNamespace(namespace.name())));
        }
        String label = stringAt(pod.path("metadata").path("labels"), INJECT_KEY);
        String annotation = stringAt(pod.path("metadata").path("annotations"), INJECT_KEY);
        List<Reason> reasons = new ArrayList<>();
        if (namespace.labelsKnown()) {
            Decision selected = WebhookSelection.select(pod, namespace, WebhookSelection.revisions(config));
            if (!selected.inject()) {
                return selected;
            }
            reasons.addAll(selected.reasons());
        }
        if (label != null) {
            reasons.add(Reason.podLabel(label, isYes(label)));
            return verdict(isYes(label), reasons);
        }
        if (annotation != null) {
            reasons.add(Reason.podAnnotation(annotation, isYes(annotation)));
            return verdict(isYes(annotation), reasons);
        }
        boolean enabled = config.policy() == InjectionPolicyDefault.ENABLED;
        if (!namespace.labelsKnown() || !enabled) {
            reasons.add(Reason.policyDefault(enabled));
        }
        return verdict(enabled, reasons);
    }

    private static Decision verdict(boolean inject, List<Reason> reasons) {
        return inject ? Decision.inject(reasons) : Decision.skip(reasons);
    }

    private static boolean isYes(String value) {
        return YES.contains(value.toLowerCase(Locale.ROOT));
    }

    private static String stringAt(JsonNode map, String key) {
        JsonNode value = map.get(key);
        return value == null ? null : value.asString(null);
    }
}
