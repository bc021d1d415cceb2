package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's manifests (resources of this module), in apply order, with what {@code install} may set
 * ({@link AgentSettings}: the image, the webhook's failure policy, the knobs).
 */
final class AgentManifests {
    /** Apply order; uninstall goes backwards, starting with the webhook configuration. */
    static final List<String> FILES = List.of("00-namespace.yaml", "10-serviceaccount.yaml", "20-clusterrole.yaml",
            "21-clusterrolebinding.yaml", "22-role.yaml", "23-rolebinding.yaml", "30-service.yaml", "40-deployment.yaml",
            "41-poddisruptionbudget.yaml", "50-mutatingwebhookconfiguration.yaml");
    static final String IMAGE_REPOSITORY = "ghcr.io/kubectl-sidecar/agent";
    static final String DEFAULT_IMAGE = IMAGE_REPOSITORY + ":0.1.0";

    private AgentManifests() {
    }

    static List<ObjectNode> render(AgentSettings settings) {
        List<ObjectNode> resources = new ArrayList<>();
        for (String file : FILES) {
            ObjectNode resource = read(file);
            if ("Deployment".equals(resource.path("kind").asString())) {
                settings.applyTo(resource);
            }
            if ("MutatingWebhookConfiguration".equals(resource.path("kind").asString()) && settings.failurePolicy() != null) {
                for (JsonNode webhook : resource.path("webhooks")) {
                    ((ObjectNode) webhook).put("failurePolicy", settings.failurePolicy());
                }
            }
            resources.add(resource);
        }
        return resources;
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
