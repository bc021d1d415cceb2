package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookManifestTest {
    private static final String NOT_SYSTEM = "kubernetes.io/metadata.name NotIn [kube-system, kubectl-sidecar]";

    private static String expressions(LabelSelector selector) {
        assertThat(selector.getMatchLabels()).isNullOrEmpty();
        return String.join(" AND ", selector.getMatchExpressions().stream().map(WebhookManifestTest::expression).toList());
    }

    private static String expression(LabelSelectorRequirement requirement) {
        return requirement.getKey() + " " + requirement.getOperator()
                + (requirement.getValues() == null || requirement.getValues().isEmpty() ? "" : " " + requirement.getValues());
    }

    @Test
    void twoWebhooksOneForLabelledNamespacesOneForPodsThatAskThemselves() throws Exception {
        MutatingWebhookConfiguration configuration = InstallManifests.one(MutatingWebhookConfiguration.class);
        assertThat(configuration.getMetadata().getName()).isEqualTo(InClusterSettings.DEFAULT_WEBHOOK_CONFIGURATION);
        List<MutatingWebhook> webhooks = configuration.getWebhooks();
        assertThat(webhooks).extracting(MutatingWebhook::getName)
                .containsExactly("namespace.sidecar.kubectl-sidecar.dev", "object.sidecar.kubectl-sidecar.dev");

        MutatingWebhook byNamespace = webhooks.get(0);
        assertThat(expressions(byNamespace.getNamespaceSelector())).isEqualTo("istio-injection In [enabled] AND " + NOT_SYSTEM);
        assertThat(expressions(byNamespace.getObjectSelector())).isEqualTo("sidecar.istio.io/inject NotIn [false]");

        MutatingWebhook byObject = webhooks.get(1);
        assertThat(expressions(byObject.getNamespaceSelector()))
                .isEqualTo("istio-injection DoesNotExist AND istio.io/rev DoesNotExist AND " + NOT_SYSTEM);
        assertThat(expressions(byObject.getObjectSelector())).isEqualTo("sidecar.istio.io/inject In [true] AND istio.io/rev DoesNotExist");
    }

    @Test
    void bothCallTheAgentsServiceForPodCreationOnlyWithoutSideEffects() throws Exception {
        Service service = InstallManifests.one(Service.class);
        for (MutatingWebhook webhook : InstallManifests.one(MutatingWebhookConfiguration.class).getWebhooks()) {
            assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getOperations()).containsExactly("CREATE");
                assertThat(rule.getApiGroups()).containsExactly("");
                assertThat(rule.getApiVersions()).containsExactly("v1");
                assertThat(rule.getResources()).containsExactly("pods");
            });
            assertThat(webhook.getSideEffects()).isEqualTo("None");
            assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
            assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
            assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
            assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
            var client = webhook.getClientConfig();
            assertThat(client.getUrl()).isNull();
            assertThat(client.getCaBundle()).as("the agent writes the caBundle").isNull();
            assertThat(client.getService().getName()).isEqualTo(service.getMetadata().getName());
            assertThat(client.getService().getNamespace()).isEqualTo(service.getMetadata().getNamespace());
            assertThat(client.getService().getPath()).isEqualTo("/inject");
            assertThat(client.getService().getPort()).isEqualTo(service.getSpec().getPorts().get(0).getPort());
        }
    }
}
