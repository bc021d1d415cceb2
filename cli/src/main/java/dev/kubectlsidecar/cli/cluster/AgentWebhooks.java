package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's webhooks for the revisions its injection config names ({@link WebhookSelection}). The manifest holds
 * Istio's default-revision pair; with named revisions they are replaced by Istio's revision pair
 * ({@code rev.namespace.*}, {@code rev.object.*}, as istiod's chart writes them for {@code revision: R}), the rest of
 * each webhook (client, rules, policies, the system namespaces left out) kept.
 */
final class AgentWebhooks {
    private static final String SYSTEM_KEY = "kubernetes.io/metadata.name";

    private AgentWebhooks() {
    }

    /** The namespaces whose labels turn injection on for the agent, sorted by name. */
    static List<Namespace> enabledNamespaces(KubernetesClient client, SortedSet<String> revisions) {
        return client.namespaces().list().getItems().stream()
                .filter(ns -> WebhookSelection.enabled(ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels(), revisions))
                .sorted(Comparator.comparing((Namespace ns) -> ns.getMetadata().getName()))
                .toList();
    }

    /** @param configuration the manifest's MutatingWebhookConfiguration, changed in place */
    static void applyTo(ObjectNode configuration, SortedSet<String> revisions) {
        if (revisions.isEmpty()) {
            return;
        }
        ArrayNode webhooks = (ArrayNode) configuration.path("webhooks");
        ObjectNode byNamespace = (ObjectNode) webhooks.get(0);
        ObjectNode byObject = (ObjectNode) webhooks.get(1);
        JsonNode system = systemNamespaces(byNamespace);

        ObjectNode revisionNamespace = revisioned(byNamespace);
        ObjectNode namespaces = revisionNamespace.putObject("namespaceSelector");
        expression(namespaces, WebhookSelection.REVISION_LABEL, "In", revisions);
        expression(namespaces, NamespaceInfo.INJECTION_LABEL, "DoesNotExist", null);
        namespaces.withArray("matchExpressions").add(system.deepCopy());

        ObjectNode revisionObject = revisioned(byObject);
        namespaces = revisionObject.putObject("namespaceSelector");
        expression(namespaces, WebhookSelection.REVISION_LABEL, "DoesNotExist", null);
        expression(namespaces, NamespaceInfo.INJECTION_LABEL, "DoesNotExist", null);
        namespaces.withArray("matchExpressions").add(system.deepCopy());
        expression(revisionObject.withObject("objectSelector"), WebhookSelection.REVISION_LABEL, "In", revisions);

        webhooks.removeAll();
        webhooks.add(revisionNamespace);
        webhooks.add(revisionObject);
    }

    /** {@code webhook} renamed {@code rev.NAME}, selecting every pod that does not opt out (more is added). */
    private static ObjectNode revisioned(ObjectNode webhook) {
        ObjectNode copy = webhook.deepCopy();
        copy.put("name", "rev." + webhook.path("name").asString());
        expression(copy.putObject("objectSelector"), InjectionPolicy.INJECT_KEY, "NotIn", List.of("false"));
        return copy;
    }

    private static JsonNode systemNamespaces(ObjectNode webhook) {
        for (JsonNode expression : webhook.path("namespaceSelector").path("matchExpressions")) {
            if (SYSTEM_KEY.equals(expression.path("key").asString())) {
                return expression;
            }
        }
        throw new IllegalStateException("the manifest's webhook " + webhook.path("name").asString()
                + " leaves no system namespace out");
    }

    private static void expression(ObjectNode selector, String key, String operator, Collection<String> values) {
        ObjectNode expression = selector.withArray("matchExpressions").addObject().put("key", key).put("operator", operator);
        if (values != null) {
            ArrayNode list = expression.putArray("values");
            values.forEach(list::add);
        }
    }

    /**
     * Whether {@code installed}'s webhooks select what {@code wanted}'s do: the same names, each with the same
     * selector terms (in any order; a missing selector is an empty one).
     */
    static boolean sameSelection(JsonNode installed, JsonNode wanted) {
        return selection(installed).equals(selection(wanted));
    }

    private static List<String> selection(JsonNode configuration) {
        List<String> out = new ArrayList<>();
        for (JsonNode webhook : configuration.path("webhooks")) {
            out.add(webhook.path("name").asString() + " " + terms(webhook.path("namespaceSelector")) + " "
                    + terms(webhook.path("objectSelector")));
        }
        return out;
    }

    private static Set<String> terms(JsonNode selector) {
        Set<String> terms = new TreeSet<>();
        selector.path("matchLabels").properties().forEach(e -> terms.add(e.getKey() + " In [" + e.getValue().asString() + "]"));
        for (JsonNode expression : selector.path("matchExpressions")) {
            Set<String> values = new TreeSet<>();
            expression.path("values").forEach(v -> values.add(v.asString()));
            terms.add(expression.path("key").asString() + " " + expression.path("operator").asString() + " " + values);
        }
        return terms;
    }
}
