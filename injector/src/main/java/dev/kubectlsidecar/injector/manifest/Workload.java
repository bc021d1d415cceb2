package dev.kubectlsidecar.injector.manifest;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a kind keeps its pod: the object itself for a Pod, {@code spec.template} for the controllers,
 * {@code spec.jobTemplate.spec.template} for a CronJob. Matched by kind whatever the apiVersion, so old
 * {@code extensions/v1beta1} manifests work too.
 */
final class Workload {
    private static final List<String> TEMPLATE = List.of("spec", "template");
    private static final Map<String, List<String>> POD_PATHS = Map.of(
            "Pod", List.of(),
            "Deployment", TEMPLATE,
            "ReplicaSet", TEMPLATE,
            "ReplicationController", TEMPLATE,
            "StatefulSet", TEMPLATE,
            "DaemonSet", TEMPLATE,
            "Job", TEMPLATE,
            "DeploymentConfig", TEMPLATE,
            "CronJob", List.of("spec", "jobTemplate", "spec", "template"));

    private Workload() {
    }

    static boolean isWorkload(String kind) {
        return kind != null && POD_PATHS.containsKey(kind);
    }

    /** The path to the pod in dotted form, for error messages ("spec.template"); empty for a Pod. */
    static String podPath(String kind) {
        return String.join(".", POD_PATHS.get(kind));
    }

    /** The pod (template) object inside {@code resource}, or null when the resource lacks it. */
    static ObjectNode pod(ObjectNode resource, String kind) {
        JsonNode node = resource;
        for (String field : POD_PATHS.get(kind)) {
            node = node.get(field);
            if (node == null) {
                return null;
            }
        }
        return node instanceof ObjectNode object ? object : null;
    }

    /** Replaces the pod inside {@code resource} (which must have it) with {@code pod}. */
    static void replacePod(ObjectNode resource, String kind, ObjectNode pod) {
        List<String> path = POD_PATHS.get(kind);
        if (path.isEmpty()) {
            resource.removeAll();
            resource.setAll(pod);
            return;
        }
        ObjectNode parent = resource;
        for (String field : path.subList(0, path.size() - 1)) {
            parent = (ObjectNode) parent.get(field);
        }
        parent.set(path.get(path.size() - 1), pod);
    }
}
