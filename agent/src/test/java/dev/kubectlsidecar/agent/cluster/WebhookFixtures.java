package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The agent's MutatingWebhookConfiguration as installed (no caBundle), and how tests read its caBundles. */
final class WebhookFixtures {
    static final String NAME = "kubectl-sidecar";

    private WebhookFixtures() {
    }

    static MutatingWebhookConfiguration installed(String name) {
        return new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withWebhooks(webhook("namespace.sidecar.kubectl-sidecar.dev"), webhook("object.sidecar.kubectl-sidecar.dev"))
                .build();
    }

    static MutatingWebhookConfiguration create(KubernetesClient client, String name) {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(installed(name)).create();
    }

    /** Each webhook's caBundle, decoded ("" when unset). */
    static List<String> caBundles(KubernetesClient client, String name) {
        MutatingWebhookConfiguration configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(name).get();
        return configuration.getWebhooks().stream()
                .map(w -> w.getClientConfig().getCaBundle() == null ? ""
                        : new String(Base64.getDecoder().decode(w.getClientConfig().getCaBundle()), StandardCharsets.UTF_8))
                .toList();
    }

    private static MutatingWebhook webhook(String name) {
        return new MutatingWebhookBuilder()
                .withName(name)
                .withNewClientConfig()
                    .withNewService().withName("kubectl-sidecar-agent").withNamespace("kubectl-sidecar")
                        .withPath("/inject").withPort(443).endService()
                .endClientConfig()
                .withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .build();
    }
}
