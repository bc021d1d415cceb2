package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;

/**
 * The PodDisruptionBudgets that guard a workload's pods. A rolling restart does not go through the eviction API,
 * so the API server would not stop it; {@code rollout} checks the budgets itself and leaves a workload alone while
 * one of them allows no disruption.
 */
final class DisruptionBudgets {
    private DisruptionBudgets() {
    }

    /** Why the pods labelled {@code podLabels} must not be disrupted now, or empty. */
    static Optional<String> blocking(KubernetesClient client, String namespace, Map<String, String> podLabels) {
        for (PodDisruptionBudget budget : client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems()) {
            if (budget.getSpec() == null || !matches(budget.getSpec().getSelector(), podLabels)) {
                continue;
            }
            var status = budget.getStatus();
            int allowed = status == null || status.getDisruptionsAllowed() == null ? 0 : status.getDisruptionsAllowed();
            if (allowed <= 0) {
                String health = status == null ? "no status yet"
                        : status.getCurrentHealthy() + " healthy, " + status.getDesiredHealthy() + " required";
                return Optional.of("PodDisruptionBudget " + budget.getMetadata().getName() + " allows no disruption now ("
                        + health + ")");
            }
        }
        return Optional.empty();
    }

    /** policy/v1: an empty selector matches every pod, a null one none. */
    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        return selector != null && LabelSelectors.matches(selector, labels);
    }
}
