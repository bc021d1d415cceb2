package dev.kubectlsidecar.e2e;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;

/**
 * A stand-in for istiod's injector: a webhook configuration as istiod's chart names and shapes it, calling a Service
 * that is not there (failurePolicy Ignore), so that the agent's overlap checks have something to find.
 */
final class IstiodWebhooks {
    private IstiodWebhooks() {
    }

    /** @param objectSelector null for none */
    static MutatingWebhookConfiguration of(String configuration, String webhook, LabelSelector namespaceSelector,
                                           LabelSelector objectSelector) {
        return new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(configuration).endMetadata()
                .addNewWebhook().withName(webhook).withFailurePolicy("Ignore").withSideEffects("None")
                .withAdmissionReviewVersions("v1")
                .withNewClientConfig().withNewService().withNamespace("istio-system").withName("istiod").withPath("/inject")
                .endService().endClientConfig()
                .addNewRule().withOperations("CREATE").withApiGroups("").withApiVersions("v1").withResources("pods").endRule()
                .withNamespaceSelector(namespaceSelector).withObjectSelector(objectSelector)
                .endWebhook().build();
    }
}
