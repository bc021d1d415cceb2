package dev.kubectlsidecar.injector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Test helper: finds the pod templates of documents (as an independent reader of the structure) and their sidecars. */
public final class Workloads {
    private static final Set<String> TEMPLATED = Set.of("Deployment", "ReplicaSet", "ReplicationController",
            "StatefulSet", "DaemonSet", "Job", "DeploymentConfig");

    private Workloads() {
    }

    /** Every pod or pod template in the documents, Lists flattened, in document order. */
    public static List<JsonNode> pods(List<JsonNode> documents) {
        List<JsonNode> pods = new ArrayList<>();
        documents.forEach(document -> collect(document, pods));
        return pods;
    }

    public static List<Boolean> injectedFlags(List<JsonNode> documents) {
        return pods(documents).stream().map(Workloads::hasProxy).toList();
    }

    public static boolean hasProxy(JsonNode pod) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : pod.path("spec").path(list)) {
                if ("istio-proxy".equals(container.path("name").asString(null))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collect(JsonNode document, List<JsonNode> pods) {
        String kind = document.path("kind").asString("");
        if (kind.equals("List")) {
            document.path("items").forEach(item -> collect(item, pods));
        } else if (kind.equals("Pod")) {
            pods.add(document);
        } else if (TEMPLATED.contains(kind)) {
            pods.add(document.path("spec").path("template"));
        } else if (kind.equals("CronJob")) {
            pods.add(document.path("spec").path("jobTemplate").path("spec").path("template"));
        }
    }
}
