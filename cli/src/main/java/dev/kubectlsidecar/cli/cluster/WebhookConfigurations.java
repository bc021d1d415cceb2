package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.state.WebhookPresence;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The agent's MutatingWebhookConfiguration as the pod states need it: there or not, and its failurePolicy. */
final class WebhookConfigurations {
    private WebhookConfigurations() {
    }

    static MutatingWebhookConfiguration agents(KubernetesClient client) {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(AgentNames.WEBHOOK_CONFIGURATION).get();
    }

    /** ABSENT with no configuration (or one without webhooks); IGNORE when any webhook fails open. */
    static WebhookPresence presence(MutatingWebhookConfiguration configuration) {
        if (configuration == null || configuration.getWebhooks() == null || configuration.getWebhooks().isEmpty()) {
            return WebhookPresence.ABSENT;
        }
        return configuration.getWebhooks().stream().anyMatch(webhook -> "Ignore".equals(webhook.getFailurePolicy()))
                ? WebhookPresence.IGNORE : WebhookPresence.FAIL;
    }
}
