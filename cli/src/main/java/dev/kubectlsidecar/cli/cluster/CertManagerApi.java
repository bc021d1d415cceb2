package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * cert-manager as the cluster serves it: whether its API (the CRDs) is registered, the agent's Certificate, issuers
 * and their Ready condition. Addressed without discovery, so a cluster without cert-manager answers "not found".
 */
final class CertManagerApi {
    static final ResourceDefinitionContext CERTIFICATES = context("Certificate", "certificates", true);
    private static final String INSTALL_IT = "install cert-manager first (https://cert-manager.io/docs/installation/), "
            + "or install without --cert-manager";

    private CertManagerApi() {
    }

    /** Whether the API server serves cert-manager.io/v1 Certificates, Issuers and ClusterIssuers. */
    static boolean served(KubernetesClient client) {
        APIResourceList resources;
        try {
            resources = client.getApiResources(CertManagerIssuer.API_VERSION);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
        return resources != null && resources.getResources() != null && resources.getResources().stream()
                .map(r -> r.getName()).filter(n -> n.equals("certificates") || n.equals("issuers") || n.equals("clusterissuers"))
                .distinct().count() == 3;
    }

    /** The agent's Certificate, or null (none, or no cert-manager). */
    static JsonNode certificate(KubernetesClient client) {
        return json(client.genericKubernetesResources(CERTIFICATES).inNamespace(AgentNames.NAMESPACE).withName(AgentNames.CERTIFICATE).get());
    }

    /**
     * Refuses to go on unless cert-manager is installed and {@code issuer} exists; an issuer that is not Ready yet is
     * said, not refused (cert-manager retries, and install waits for the Certificate).
     */
    static Optional<String> require(KubernetesClient client, CertManagerIssuer issuer) {
        if (!served(client)) {
            throw new UserError("--cert-manager: the cluster serves no " + CertManagerIssuer.API_VERSION
                    + " Certificate, Issuer and ClusterIssuer (cert-manager's CRDs are not registered): " + INSTALL_IT);
        }
        ResourceDefinitionContext kind = issuer.clusterScoped() ? context("ClusterIssuer", "clusterissuers", false)
                : context("Issuer", "issuers", true);
        GenericKubernetesResource found = issuer.clusterScoped()
                ? client.genericKubernetesResources(kind).withName(issuer.name()).get()
                : client.genericKubernetesResources(kind).inNamespace(AgentNames.NAMESPACE).withName(issuer.name()).get();
        if (found == null) {
            throw new UserError("--cert-manager: " + issuer.describe() + " not found: create it first"
                    + (issuer.clusterScoped() ? "" : " (an Issuer must be in namespace " + AgentNames.NAMESPACE
                    + "; for one of the whole cluster say ClusterIssuer/" + issuer.name() + ")"));
        }
        return notReady(json(found)).map(why -> issuer.describe() + " is not Ready (" + why + "): the Certificate waits for it");
    }

    /** Why a cert-manager resource's Ready condition is not True ({@code reason: message}); empty when it is. */
    static Optional<String> notReady(JsonNode resource) {
        for (JsonNode condition : resource.at("/status/conditions")) {
            if ("Ready".equals(condition.path("type").asString())) {
                return "True".equals(condition.path("status").asString()) ? Optional.empty()
                        : Optional.of(condition.path("reason").asString("NotReady") + ": " + condition.path("message").asString(""));
            }
        }
        return Optional.of("no Ready condition yet");
    }

    private static JsonNode json(GenericKubernetesResource resource) {
        return resource == null ? null : JsonMappers.JSON.readTree(Serialization.asJson(resource));
    }

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(CertManagerIssuer.GROUP).withVersion("v1").withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }
}
