package dev.kubectlsidecar.testkit.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A container's {@code env} as a process environment: plain values and the downward-API fields a pod knows. */
final class ContainerEnvironment {
    private ContainerEnvironment() {
    }

    static Map<String, String> of(JsonNode container, String namespace, String podName, JsonNode podSpec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode env : container.path("env")) {
            String name = env.path("name").asString();
            if (env.hasNonNull("value")) {
                out.put(name, env.path("value").asString());
            }
            String field = env.path("valueFrom").path("fieldRef").path("fieldPath").asString();
            switch (field) {
                case "metadata.namespace" -> out.put(name, namespace);
                case "metadata.name" -> out.put(name, podName);
                case "spec.serviceAccountName" -> out.put(name, podSpec.path("serviceAccountName").asString("default"));
                default -> {
                    // other sources (secrets, resources, ...) are not available outside a cluster
                }
            }
        }
        return out;
    }
}
