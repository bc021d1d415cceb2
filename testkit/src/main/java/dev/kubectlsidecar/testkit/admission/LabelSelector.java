package dev.kubectlsidecar.testkit.admission;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** A {@code metav1.LabelSelector} evaluated against labels: {@code matchLabels} and {@code matchExpressions}. */
final class LabelSelector {
    private LabelSelector() {
    }

    /**
     * Whether {@code labels} satisfy {@code selector}; a missing, null or empty selector matches everything.
     *
     * @throws IllegalArgumentException for an operator the API does not define, naming it and {@code where}
     */
    static boolean matches(JsonNode selector, Map<String, String> labels, String where) {
        if (selector == null || !selector.isObject()) {
            return true;
        }
        for (Map.Entry<String, JsonNode> entry : selector.path("matchLabels").properties()) {
            if (!entry.getValue().asString().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            if (!satisfies(expression, labels, where)) {
                return false;
            }
        }
        return true;
    }

    /** The object's {@code metadata.labels}. */
    static Map<String, String> labels(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.path("metadata").path("labels").properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString()));
        return out;
    }

    private static boolean satisfies(JsonNode expression, Map<String, String> labels, String where) {
        String key = expression.path("key").asString();
        Set<String> values = new HashSet<>();
        expression.path("values").forEach(v -> values.add(v.asString()));
        String operator = expression.path("operator").asString();
        boolean listed = switch (operator) {
            case "In", "NotIn" -> true;
            case "Exists", "DoesNotExist" -> false;
            default -> throw new IllegalArgumentException(where + ": \"" + operator
                    + "\" is not a valid label selector operator (In, NotIn, Exists, DoesNotExist)");
        };
        // The API server refuses such a selector when the configuration is written; here the call fails.
        if (listed == values.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + key + ": values " + (listed
                    ? "must be specified when operator is In or NotIn" : "may not be specified when operator is " + operator));
        }
        return switch (operator) {
            case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
            case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            default -> !labels.containsKey(key);
        };
    }
}
