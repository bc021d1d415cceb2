package dev.kubectlsidecar.injector.state;

import tools.jackson.databind.JsonNode;

/**
 * The workload that owns a pod, as {@code kind/name}. A ReplicaSet named {@code <deployment>-<pod-template-hash>}
 * is reported as its Deployment, which is what a user restarts (kubectl-tree resolves it the same way).
 */
public final class Owners {
    private Owners() {
    }

    public static String of(JsonNode pod) {
        for (JsonNode reference : pod.path("metadata").path("ownerReferences")) {
            if (!reference.path("controller").asBoolean(false)) {
                continue;
            }
            String kind = reference.path("kind").asString("");
            String name = reference.path("name").asString("");
            String hash = pod.path("metadata").path("labels").path("pod-template-hash").asString(null);
            if (kind.equals("ReplicaSet") && hash != null && name.endsWith("-" + hash)) {
                return "Deployment/" + name.substring(0, name.length() - hash.length() - 1);
            }
            return kind + "/" + name;
        }
        return null;
    }
}
