package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Matches labels against a {@code LabelSelector} as the API server does: every term must hold; an empty one matches all. */
final class LabelSelectors {
    private LabelSelectors() {
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        for (Map.Entry<String, String> wanted : matchLabels.entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return false;
            }
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        for (LabelSelectorRequirement requirement : expressions) {
            String value = labels.get(requirement.getKey());
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            boolean holds = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
