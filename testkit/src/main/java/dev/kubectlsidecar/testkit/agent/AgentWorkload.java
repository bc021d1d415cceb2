package dev.kubectlsidecar.testkit.agent;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.testkit.api.ObjectDefaults;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.workloads.TemplateHash;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the Deployment controller would make of the agent's Deployment: a ReplicaSet {@code NAME-HASH}, pods
 * {@code NAME-HASH-xxxxx} owned by it (labels from the template plus {@code pod-template-hash}), and the
 * Deployment's status.
 */
final class AgentWorkload {
    private final ObjectStore store;
    private final ObjectNode deployment;
    private final String namespace;
    private final String name;

    AgentWorkload(ObjectStore store, ObjectNode deployment) {
        this.store = store;
        this.deployment = deployment;
        this.namespace = deployment.path("metadata").path("namespace").asString();
        this.name = deployment.path("metadata").path("name").asString();
    }

    static String uid(JsonNode deployment) {
        return deployment.path("metadata").path("uid").asString();
    }

    /** A 10-character hash of the pod template, like the controller's {@code pod-template-hash}. */
    static String templateHash(JsonNode deployment) {
        return TemplateHash.of(deployment);
    }

    void createPods() {
        String hash = templateHash(deployment);
        JsonNode template = deployment.path("spec").path("template");
        ObjectNode replicaSet = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        ObjectNode rsMetadata = replicaSet.putObject("metadata").put("name", name + "-" + hash).put("namespace", namespace);
        rsMetadata.set("labels", labels(template, hash));
        ownedBy(rsMetadata, "apps/v1", "Deployment", name, uid(deployment));
        ObjectNode rsSpec = replicaSet.putObject("spec").put("replicas", replicas());
        rsSpec.set("selector", deployment.path("spec").path("selector").deepCopy());
        rsSpec.set("template", template.deepCopy());
        ObjectNode stored = store.create("/apis/apps/v1/namespaces/" + namespace + "/replicasets", replicaSet);
        for (int i = 0; i < replicas(); i++) {
            ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
            ObjectNode metadata = pod.putObject("metadata")
                    .put("name", name + "-" + hash + "-" + ObjectDefaults.randomSuffix()).put("namespace", namespace);
            metadata.set("labels", labels(template, hash));
            if (template.path("metadata").has("annotations")) {
                metadata.set("annotations", template.path("metadata").path("annotations").deepCopy());
            }
            ownedBy(metadata, "apps/v1", "ReplicaSet", name + "-" + hash, uid(stored));
            pod.set("spec", template.path("spec").deepCopy());
            store.create("/api/v1/namespaces/" + namespace + "/pods", pod);
        }
    }

    void markAvailable() {
        updateStatus(status -> {
            int replicas = replicas();
            status.put("replicas", replicas).put("updatedReplicas", replicas).put("readyReplicas", replicas)
                    .put("availableReplicas", replicas);
            ArrayNode conditions = status.putArray("conditions");
            condition(conditions, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.");
            condition(conditions, "Progressing", true, "NewReplicaSetAvailable",
                    "ReplicaSet \"" + name + "-" + templateHash(deployment) + "\" has successfully progressed.");
        });
    }

    void markUnavailable(String reason, String message) {
        updateStatus(status -> {
            status.put("replicas", 0).put("unavailableReplicas", replicas());
            condition(status.putArray("conditions"), "Available", false, reason, message);
        });
    }

    /** Deletes the ReplicaSets and pods {@link #createPods} made for the Deployment {@code name}. */
    static void deleteOwned(ObjectStore store, String namespace, String name) {
        for (ObjectNode replicaSet : store.list("/apis/apps/v1/namespaces/" + namespace + "/replicasets")) {
            if (isOwnedBy(replicaSet, "Deployment", name)) {
                String rsName = replicaSet.path("metadata").path("name").asString();
                for (ObjectNode pod : store.list("/api/v1/namespaces/" + namespace + "/pods")) {
                    if (isOwnedBy(pod, "ReplicaSet", rsName)) {
                        store.delete("/api/v1/namespaces/" + namespace + "/pods/" + pod.path("metadata").path("name").asString());
                    }
                }
                store.delete("/apis/apps/v1/namespaces/" + namespace + "/replicasets/" + rsName);
            }
        }
    }

    private int replicas() {
        JsonNode replicas = deployment.path("spec").path("replicas");
        return replicas.canConvertToInt() ? replicas.asInt() : 1;
    }

    private void updateStatus(Consumer<ObjectNode> change) {
        String path = "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name;
        Optional<ObjectNode> current = store.get(path);
        if (current.isEmpty()) {
            return;
        }
        ObjectNode updated = current.get();
        ObjectNode status = Json.object();
        status.put("observedGeneration", updated.path("metadata").path("generation").asLong(1));
        change.accept(status);
        updated.set("status", status);
        store.replace(path, updated);
    }

    private static ObjectNode labels(JsonNode template, String hash) {
        ObjectNode labels = template.path("metadata").path("labels").isObject()
                ? (ObjectNode) template.path("metadata").path("labels").deepCopy() : Json.object();
        return labels.put("pod-template-hash", hash);
    }

    private static void ownedBy(ObjectNode metadata, String apiVersion, String kind, String owner, String uid) {
        metadata.putArray("ownerReferences").addObject().put("apiVersion", apiVersion).put("kind", kind)
                .put("name", owner).put("uid", uid).put("controller", true).put("blockOwnerDeletion", true);
    }

    private static boolean isOwnedBy(JsonNode object, String kind, String owner) {
        for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
            if (kind.equals(reference.path("kind").asString()) && owner.equals(reference.path("name").asString())) {
                return true;
            }
        }
        return false;
    }

    private static void condition(ArrayNode conditions, String type, boolean status, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        conditions.addObject().put("type", type).put("status", status ? "True" : "False")
                .put("lastUpdateTime", now).put("lastTransitionTime", now).put("reason", reason).put("message", message);
    }
}
