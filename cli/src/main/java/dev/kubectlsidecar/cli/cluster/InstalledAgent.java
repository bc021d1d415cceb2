package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import tools.jackson.databind.JsonNode;

/**
 * The agent as the cluster runs it, for an upgrade: its Deployment, its webhook's failure policy and, with
 * cert-manager, its Certificate (each null when absent).
 */
record InstalledAgent(JsonNode deployment, String failurePolicy, JsonNode certificate) {

    static InstalledAgent read(KubernetesClient client) {
        Deployment deployment = client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get();
        MutatingWebhookConfiguration webhook = WebhookConfigurations.agents(client);
        String policy = webhook == null || webhook.getWebhooks() == null || webhook.getWebhooks().isEmpty() ? null
                : webhook.getWebhooks().get(0).getFailurePolicy();
        return new InstalledAgent(deployment == null ? null : JsonMappers.JSON.readTree(Serialization.asJson(deployment)), policy,
                CertManagerApi.certificate(client));
    }

    boolean exists() {
        return deployment != null;
    }

    boolean certManagerMode() {
        return deployment != null && AgentSettings.certManagerMode(deployment);
    }

    /** What an upgrade keeps unless a flag changes it. */
    AgentSettings settings() {
        return AgentSettings.installed(deployment, failurePolicy, certificate);
    }

    /**
     * Refuses to switch an installed agent between its own certificates and cert-manager's in place: the replicas
     * still running would serve one certificate while the caBundle trusts the other's CA (and the old mode's leader
     * would write its caBundle back), refusing every pod of an enabled namespace meanwhile.
     */
    void requireSameMode(AgentSettings desired) {
        if (!exists()) {
            return;
        }
        if (certManagerMode() && desired.certManager() == null) {
            throw new UserError("the installed agent takes its certificate from cert-manager, but Certificate " + AgentNames.NAMESPACE
                    + "/" + AgentNames.CERTIFICATE + " is gone or names no cert-manager issuer: name the issuer again with --cert-manager ISSUER");
        }
        if (!certManagerMode() && desired.certManager() != null) {
            throw new UserError("the installed agent manages its own certificates; switching to cert-manager in place would "
                    + "break TLS while the agent rolls: run `kubectl sidecar uninstall`, then `kubectl sidecar install --cert-manager "
                    + desired.certManager() + "`");
        }
    }
}
