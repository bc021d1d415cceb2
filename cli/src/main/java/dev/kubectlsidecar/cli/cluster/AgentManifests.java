package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's manifests (resources of this module), in apply order, with what {@code install} may set
 * ({@link AgentSettings}: the image, the webhook's failure policy, the knobs, the cert-manager issuer), the webhooks
 * for the injection config's revisions ({@link AgentWebhooks}) and, from {@code install --config}, the config's
 * ConfigMap. With cert-manager the agent's RBAC is the smaller set under {@code cert-manager/}, a Certificate comes
 * before the Deployment, and the webhook configuration asks cert-manager's CA injector for its caBundle.
 */
final class AgentManifests {
    /** Apply order; uninstall goes backwards, starting with the webhook configuration. */
    static final List<String> FILES = List.of("00-namespace.yaml", "10-serviceaccount.yaml", "20-clusterrole.yaml",
            "21-clusterrolebinding.yaml", "22-role.yaml", "23-rolebinding.yaml", "30-service.yaml", "40-deployment.yaml",
            "41-poddisruptionbudget.yaml", "50-mutatingwebhookconfiguration.yaml");
    static final String CERTIFICATE_FILE = "35-certificate.yaml";
    /** The annotation by which cert-manager's CA injector fills a webhook configuration's caBundle. */
    static final String INJECT_CA_FROM = "cert-manager.io/inject-ca-from";
    static final String IMAGE_REPOSITORY = "ghcr.io/kubectl-sidecar/agent";
    static final String DEFAULT_IMAGE = IMAGE_REPOSITORY + ":0.1.0";

    private AgentManifests() {
    }

    /** The manifests for the embedded default config, which names no revision (what uninstall deletes). */
    static List<ObjectNode> render(AgentSettings settings) {
        return render(settings, ConfigLoader.embeddedDefault(), null);
    }

    /**
     * @param config the injection config the agent runs with: the revisions it names choose the webhooks
     * @param configText {@code install --config}'s file, written into the agent's ConfigMap; null leaves the
     *     ConfigMap out (the cluster's stays as it is)
     */
    static List<ObjectNode> render(AgentSettings settings, InjectionConfig config, String configText) {
        CertManagerIssuer issuer = settings.certManager();
        List<ObjectNode> resources = new ArrayList<>();
        for (String file : files(issuer != null)) {
            ObjectNode resource = read(file);
            String kind = resource.path("kind").asString();
            switch (kind) {
                case "Deployment" -> settings.applyTo(resource);
                case "Certificate" -> issuer.applyTo(resource);
                case "MutatingWebhookConfiguration" -> {
                    AgentWebhooks.applyTo(resource, WebhookSelection.revisions(config));
                    if (settings.failurePolicy() != null) {
                        resource.path("webhooks").forEach(webhook -> ((ObjectNode) webhook).put("failurePolicy", settings.failurePolicy()));
                    }
                    if (issuer != null) {
                        Json.objectAt((ObjectNode) resource.path("metadata"), "annotations")
                                .put(INJECT_CA_FROM, AgentNames.NAMESPACE + "/" + AgentNames.CERTIFICATE);
                    }
                }
                default -> {
                    // as written
                }
            }
            resources.add(resource);
            if ("Namespace".equals(kind) && configText != null) {
                resources.add(configMap(configText));
            }
        }
        return resources;
    }

    private static List<String> files(boolean certManager) {
        if (!certManager) {
            return FILES;
        }
        List<String> files = new ArrayList<>();
        for (String file : FILES) {
            files.add(file.equals("20-clusterrole.yaml") || file.equals("22-role.yaml") ? "cert-manager/" + file : file);
            if (file.equals("30-service.yaml")) {
                files.add(CERTIFICATE_FILE);
            }
        }
        return files;
    }

    /** The agent's ConfigMap, labelled as the agent's other objects are. */
    private static ObjectNode configMap(String configText) {
        ObjectNode map = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode metadata = map.putObject("metadata").put("name", AgentNames.CONFIG_MAP).put("namespace", AgentNames.NAMESPACE);
        metadata.putObject("labels").put("app.kubernetes.io/name", "kubectl-sidecar").put("app.kubernetes.io/component", "agent");
        map.putObject("data").put(ClusterInjectionConfig.KEY, configText);
        return map;
    }

    private static ObjectNode read(String file) {
        try (InputStream in = AgentManifests.class.getResourceAsStream("/dev/kubectlsidecar/cli/manifests/" + file)) {
            return (ObjectNode) JsonMappers.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(JsonNode resource) {
        return resource.path("kind").asString().toLowerCase(java.util.Locale.ROOT) + "/" + resource.at("/metadata/name").asString();
    }
}
