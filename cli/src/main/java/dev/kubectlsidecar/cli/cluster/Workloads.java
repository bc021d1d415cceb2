package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.state.Owners;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** The workloads behind pods: how to name them for kubectl, and how to restart them as {@code kubectl rollout restart} does. */
final class Workloads {
    static final Set<String> RESTARTABLE = Set.of("Deployment", "StatefulSet", "DaemonSet");

    private Workloads() {
    }

    /** The owner as {@code Kind/name}, or null for a bare pod. */
    static String owner(Pod pod) {
        return Owners.of(tree(pod));
    }

    static ObjectNode tree(Pod pod) {
        return (ObjectNode) JsonMappers.JSON.readTree(io.fabric8.kubernetes.client.utils.Serialization.asJson(pod));
    }

    static String kind(String owner) {
        return owner.substring(0, owner.indexOf('/'));
    }

    static String name(String owner) {
        return owner.substring(owner.indexOf('/') + 1);
    }

    /** Whether a restart recreates the owner's pods (not for Jobs, standalone ReplicaSets or bare pods). */
    static boolean restartable(String owner) {
        return owner != null && RESTARTABLE.contains(kind(owner));
    }

    /** {@code deployment/web}, as kubectl names it. */
    static String describe(String owner) {
        return kind(owner).toLowerCase(Locale.ROOT) + "/" + name(owner);
    }

    /**
     * What recreates the pods no restart covers ({@link #restartable}), a line per owner: a ReplicaSet or ReplicationController
     * recreates pods deleted one by one, a Job's pods get the sidecar when it runs again, a pod without a
     * controller must be recreated by hand.
     *
     * @param pods per owner ({@code Kind/name}, or null for pods without a controller), how many pods
     */
    static List<String> recreateLines(Map<String, Integer> pods) {
        List<String> lines = new ArrayList<>();
        pods.forEach((owner, count) -> {
            String them = count == 1 ? "it" : "them";
            if (owner == null) {
                lines.add(Plural.of(count, "pod") + " without a controller: delete and recreate " + them + " yourself");
                return;
            }
            String name = kind(owner).toLowerCase(Locale.ROOT) + "/" + name(owner);
            lines.add(Plural.of(count, "pod") + " of " + name + switch (kind(owner)) {
                case "ReplicaSet", "ReplicationController" -> ": delete " + them + " one at a time; " + name + " recreates " + them;
                case "Job" -> ": a Job's pods are not restarted; its next run gets the change";
                default -> ": recreate " + them + " through " + name;
            });
        });
        return lines;
    }

    /** Restarts a Deployment, StatefulSet or DaemonSet the way {@code kubectl rollout restart} does. */
    static void restart(KubernetesClient client, String owner, String namespace) {
        String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\""
                + Instant.now() + "\"}}}}}";
        PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
        switch (kind(owner)) {
            case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name(owner)).patch(merge, patch);
            case "StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(name(owner)).patch(merge, patch);
            case "DaemonSet" -> client.apps().daemonSets().inNamespace(namespace).withName(name(owner)).patch(merge, patch);
            default -> throw new IllegalArgumentException("not restartable: " + owner);
        }
    }
}
