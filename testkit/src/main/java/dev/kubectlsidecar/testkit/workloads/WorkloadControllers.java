package dev.kubectlsidecar.testkit.workloads;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.api.ObjectDefaults;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.Reconciler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the Deployment, StatefulSet and DaemonSet controllers do, enough for rollouts: each workload's pods are made
 * from its template (through the API server, so admission and the agent's webhook see them, as they see a real
 * controller's), pods of an older template are replaced (all at once: there is one node and no grace period), and
 * the status says how many pods are updated and ready, as {@code kubectl rollout status} reads it. A pod the API
 * server refuses is reported as a Deployment's {@code ReplicaFailure} condition (FailedCreate), and retried on the
 * next change. The agent's own Deployment is left to the agent runner.
 */
public final class WorkloadControllers implements AutoCloseable {
    private static final String REVISION_LABEL = "controller-revision-hash";

    private final ObjectStore store;
    private final KubernetesClient client;
    private final String agentDeployment;
    private final Reconciler loop;

    /** @param client a client of the cluster's API server, through which pods are created */
    public WorkloadControllers(ObjectStore store, KubernetesClient client, String agentDeployment) {
        this.store = store;
        this.client = client;
        this.agentDeployment = agentDeployment;
        this.loop = new Reconciler("workload-controllers", this::reconcile);
    }

    /** Starts reconciling, now and on every change of a workload or pod (not from the constructor: no early this). */
    public void start() {
        store.onChange(path -> {
            if (path.is("apps", "deployments") || path.is("apps", "statefulsets") || path.is("apps", "daemonsets")
                    || path.is("", "pods")) {
                loop.trigger();
            }
        });
        loop.trigger();
    }

    private void reconcile() {
        for (ObjectNode deployment : store.list("/apis/apps/v1/deployments")) {
            if (!agentDeployment.equals(deployment.path("metadata").path("name").asString())) {
                deployment(deployment);
            }
        }
        store.list("/apis/apps/v1/statefulsets").forEach(this::statefulSet);
        store.list("/apis/apps/v1/daemonsets").forEach(this::daemonSet);
    }

    private void deployment(ObjectNode deployment) {
        String namespace = namespace(deployment);
        String name = name(deployment);
        String hash = TemplateHash.of(deployment);
        String replicaSetName = name + "-" + hash;
        String replicaSets = "/apis/apps/v1/namespaces/" + namespace + "/replicasets";
        for (ObjectNode replicaSet : store.list(replicaSets)) {
            String rsName = name(replicaSet);
            if (ownedBy(replicaSet, "Deployment", name) && !rsName.equals(replicaSetName)) {
                podsOf(namespace, "ReplicaSet", rsName).forEach(this::delete);
                store.delete(replicaSets + "/" + rsName);
            }
        }
        ObjectNode replicaSet = store.get(replicaSets + "/" + replicaSetName)
                .orElseGet(() -> store.create(replicaSets, replicaSet(deployment, replicaSetName, hash)));
        int replicas = replicas(deployment);
        List<ObjectNode> pods = podsOf(namespace, "ReplicaSet", replicaSetName);
        String failure = null;
        for (int i = pods.size(); i < replicas && failure == null; i++) {
            ObjectNode pod = pod(deployment, replicaSetName + "-" + ObjectDefaults.randomSuffix(), "ReplicaSet",
                    replicaSetName, uid(replicaSet));
            labels(pod).put("pod-template-hash", hash);
            failure = create(pod);
        }
        pods = podsOf(namespace, "ReplicaSet", replicaSetName);
        long ready = pods.stream().filter(WorkloadControllers::ready).count();
        ObjectNode status = Json.object().put("observedGeneration", generation(deployment)).put("replicas", pods.size())
                .put("updatedReplicas", pods.size()).put("readyReplicas", ready).put("availableReplicas", ready);
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "Available", ready >= replicas, ready >= replicas ? "MinimumReplicasAvailable"
                : "MinimumReplicasUnavailable", "Deployment has " + (ready >= replicas ? "" : "no ") + "minimum availability.");
        condition(conditions, "Progressing", true, ready >= replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                "ReplicaSet \"" + replicaSetName + "\" " + (ready >= replicas ? "has successfully progressed." : "is progressing."));
        if (failure != null) {
            condition(conditions, "ReplicaFailure", true, "FailedCreate", failure);
        }
        setStatus(deployment, status);
    }

    private void statefulSet(ObjectNode statefulSet) {
        String namespace = namespace(statefulSet);
        String name = name(statefulSet);
        String revision = name + "-" + TemplateHash.of(statefulSet);
        int replicas = replicas(statefulSet);
        String failure = null;
        for (int i = 0; i < replicas && failure == null; i++) {
            String podName = name + "-" + i;
            Optional<ObjectNode> existing = store.get("/api/v1/namespaces/" + namespace + "/pods/" + podName);
            if (existing.isPresent() && !revision.equals(labels(existing.get()).path(REVISION_LABEL).asString())) {
                delete(existing.get());
                existing = Optional.empty();
            }
            if (existing.isEmpty()) {
                ObjectNode pod = pod(statefulSet, podName, "StatefulSet", name, uid(statefulSet));
                labels(pod).put(REVISION_LABEL, revision).put("statefulset.kubernetes.io/pod-name", podName);
                failure = create(pod);
            }
        }
        List<ObjectNode> pods = podsOf(namespace, "StatefulSet", name);
        long updated = pods.stream().filter(p -> revision.equals(labels(p).path(REVISION_LABEL).asString())).count();
        long ready = pods.stream().filter(WorkloadControllers::ready).count();
        setStatus(statefulSet, Json.object().put("observedGeneration", generation(statefulSet)).put("replicas", pods.size())
                .put("readyReplicas", ready).put("availableReplicas", ready).put("currentReplicas", updated)
                .put("updatedReplicas", updated).put("currentRevision", updated == replicas ? revision : "")
                .put("updateRevision", revision));
    }

    private void daemonSet(ObjectNode daemonSet) {
        String namespace = namespace(daemonSet);
        String name = name(daemonSet);
        String revision = TemplateHash.of(daemonSet);
        List<ObjectNode> pods = podsOf(namespace, "DaemonSet", name);
        for (ObjectNode pod : pods) {
            if (!revision.equals(labels(pod).path(REVISION_LABEL).asString())) {
                delete(pod);
            }
        }
        if (podsOf(namespace, "DaemonSet", name).isEmpty()) { // one node: one pod
            ObjectNode pod = pod(daemonSet, name + "-" + ObjectDefaults.randomSuffix(), "DaemonSet", name, uid(daemonSet));
            labels(pod).put(REVISION_LABEL, revision);
            create(pod);
        }
        pods = podsOf(namespace, "DaemonSet", name);
        long ready = pods.stream().filter(WorkloadControllers::ready).count();
        setStatus(daemonSet, Json.object().put("observedGeneration", generation(daemonSet)).put("desiredNumberScheduled", 1)
                .put("currentNumberScheduled", pods.size()).put("updatedNumberScheduled", pods.size())
                .put("numberReady", ready).put("numberAvailable", ready));
    }

    /** @return null, or why the API server refused the pod */
    private String create(ObjectNode pod) {
        try {
            client.pods().inNamespace(namespace(pod))
                    .resource(Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(pod), Pod.class)).create();
            return null;
        } catch (KubernetesClientException e) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            return "pods \"" + name(pod) + "\" is forbidden: " + message;
        }
    }

    private void delete(ObjectNode pod) {
        store.delete("/api/v1/namespaces/" + namespace(pod) + "/pods/" + name(pod));
    }

    private static ObjectNode pod(ObjectNode workload, String name, String ownerKind, String owner, String ownerUid) {
        JsonNode template = workload.path("spec").path("template");
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata").put("name", name).put("namespace", namespace(workload));
        metadata.set("labels", template.path("metadata").path("labels").isObject()
                ? template.path("metadata").path("labels").deepCopy() : Json.object());
        if (template.path("metadata").path("annotations").isObject()) {
            metadata.set("annotations", template.path("metadata").path("annotations").deepCopy());
        }
        ownedBy(metadata, ownerKind, owner, ownerUid);
        pod.set("spec", template.path("spec").deepCopy());
        return pod;
    }

    private static ObjectNode replicaSet(ObjectNode deployment, String name, String hash) {
        ObjectNode replicaSet = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
        ObjectNode metadata = replicaSet.putObject("metadata").put("name", name).put("namespace", namespace(deployment));
        ownedBy(metadata, "Deployment", name(deployment), uid(deployment));
        ObjectNode spec = replicaSet.putObject("spec").put("replicas", replicas(deployment));
        spec.set("selector", deployment.path("spec").path("selector").deepCopy());
        spec.set("template", deployment.path("spec").path("template").deepCopy());
        metadata.putObject("labels").put("pod-template-hash", hash);
        return replicaSet;
    }

    private List<ObjectNode> podsOf(String namespace, String ownerKind, String owner) {
        List<ObjectNode> pods = new ArrayList<>();
        for (ObjectNode pod : store.list("/api/v1/namespaces/" + namespace + "/pods")) {
            if (ownedBy(pod, ownerKind, owner)) {
                pods.add(pod);
            }
        }
        return pods;
    }

    /** Writes the status only when it changed: an unchanged write would trigger another pass, and so on. */
    private void setStatus(ObjectNode workload, ObjectNode status) {
        String path = "/apis/apps/v1/namespaces/" + namespace(workload) + "/" + plural(workload) + "/" + name(workload);
        store.get(path).filter(current -> !status.equals(current.path("status"))).ifPresent(current -> {
            current.set("status", status);
            store.replace(path, current);
        });
    }

    private static String plural(JsonNode workload) {
        return switch (workload.path("kind").asString()) {
            case "Deployment" -> "deployments";
            case "StatefulSet" -> "statefulsets";
            default -> "daemonsets";
        };
    }

    private static boolean ready(JsonNode pod) {
        for (JsonNode condition : pod.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asString()) && "True".equals(condition.path("status").asString())) {
                return true;
            }
        }
        return false;
    }

    private static void condition(ArrayNode conditions, String type, boolean status, String reason, String message) {
        conditions.addObject().put("type", type).put("status", status ? "True" : "False").put("reason", reason)
                .put("message", message);
    }

    private static void ownedBy(ObjectNode metadata, String kind, String owner, String uid) {
        metadata.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1")
                .put("kind", kind).put("name", owner).put("uid", uid).put("controller", true).put("blockOwnerDeletion", true);
    }

    private static boolean ownedBy(JsonNode object, String kind, String owner) {
        for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
            if (kind.equals(reference.path("kind").asString()) && owner.equals(reference.path("name").asString())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode labels(ObjectNode pod) {
        return Json.objectAt(Json.objectAt(pod, "metadata"), "labels");
    }

    private static int replicas(JsonNode workload) {
        JsonNode replicas = workload.path("spec").path("replicas");
        return replicas.canConvertToInt() ? replicas.asInt() : 1;
    }

    private static long generation(JsonNode workload) {
        return workload.path("metadata").path("generation").asLong(1);
    }

    private static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asString();
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asString();
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asString();
    }

    @Override
    public void close() {
        loop.close();
    }
}
