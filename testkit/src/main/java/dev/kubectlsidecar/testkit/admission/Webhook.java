package dev.kubectlsidecar.testkit.admission;

import dev.kubectlsidecar.injector.json.Json;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One webhook of a stored MutatingWebhookConfiguration, read with the API's defaults (v1): failurePolicy Fail,
 * timeoutSeconds 10, service port 443, path "/".
 *
 * @param spec the webhook's entry in {@code webhooks[]}, as stored
 */
record Webhook(String configuration, JsonNode spec) {
    private static final Set<String> DRY_RUN_SAFE = Set.of("None", "NoneOnDryRun");

    String name() {
        return spec.path("name").asString();
    }

    boolean failOpen() {
        return "Ignore".equals(Json.text(spec, "failurePolicy"));
    }

    Duration timeout() {
        JsonNode seconds = spec.get("timeoutSeconds");
        return Duration.ofSeconds(seconds != null && seconds.canConvertToInt() ? seconds.asInt() : 10);
    }

    /** Whether the webhook promises no side effects on dry-run requests. */
    boolean dryRunSafe() {
        return DRY_RUN_SAFE.contains(Json.text(spec, "sideEffects"));
    }

    boolean acceptsV1Reviews() {
        JsonNode versions = spec.get("admissionReviewVersions");
        if (versions == null || !versions.isArray()) {
            return true;
        }
        for (JsonNode version : versions) {
            if ("v1".equals(version.asString())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a rule covers {@code operation} on the resource (not a subresource) {@code group/version/resource}. */
    boolean coversRequest(String operation, String group, String version, String resource, boolean namespaced) {
        for (JsonNode rule : spec.path("rules")) {
            if (has(rule, "operations", operation) && has(rule, "apiGroups", group)
                    && has(rule, "apiVersions", version) && coversResource(rule.path("resources"), resource)
                    && coversScope(Json.text(rule, "scope"), namespaced)) {
                return true;
            }
        }
        return false;
    }

    boolean selects(Map<String, String> namespaceLabels, Map<String, String> objectLabels) {
        return LabelSelector.matches(spec.get("namespaceSelector"), namespaceLabels, where("namespaceSelector"))
                && LabelSelector.matches(spec.get("objectSelector"), objectLabels, where("objectSelector"));
    }

    String where(String field) {
        return "mutatingwebhookconfiguration " + configuration + " webhook " + name() + " " + field;
    }

    private static boolean has(JsonNode rule, String field, String value) {
        for (JsonNode item : rule.path(field)) {
            if (item.asString().equals("*") || item.asString().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversResource(JsonNode resources, String resource) {
        for (JsonNode item : resources) {
            String text = item.asString();
            if (text.equals("*") || text.equals("*/*") || text.equals(resource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversScope(String scope, boolean namespaced) {
        return scope == null || scope.equals("*") || scope.equals(namespaced ? "Namespaced" : "Cluster");
    }
}
