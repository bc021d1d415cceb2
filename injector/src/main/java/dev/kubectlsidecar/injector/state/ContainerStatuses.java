package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.render.SidecarParts;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads {@code pod.status.containerStatuses} and {@code initContainerStatuses} (a native proxy reports in the latter). */
final class ContainerStatuses {
    private ContainerStatuses() {
    }

    static ProxyStatus proxy(JsonNode pod) {
        JsonNode status = find(pod, SidecarParts.PROXY_NAME);
        if (status == null) {
            return ProxyStatus.ABSENT;
        }
        return new ProxyStatus(true, status.path("ready").asBoolean(false), status.path("restartCount").asInt(0),
                status.path("image").asString(null));
    }

    /**
     * Whether a run-to-completion pod ({@code restartPolicy} Never or OnFailure) is kept running by its classic
     * proxy alone: every app container has terminated while {@code istio-proxy} (among the containers) runs.
     */
    static boolean heldByProxy(JsonNode pod) {
        String restartPolicy = pod.path("spec").path("restartPolicy").asString("Always");
        if (!restartPolicy.equals("Never") && !restartPolicy.equals("OnFailure")) {
            return false;
        }
        boolean proxyRunning = false;
        int apps = 0;
        for (JsonNode status : pod.path("status").path("containerStatuses")) {
            boolean running = status.path("state").has("running");
            if (SidecarParts.PROXY_NAME.equals(status.path("name").asString(null))) {
                proxyRunning = running;
            } else if (status.path("state").has("terminated")) {
                apps++;
            } else {
                return false;
            }
        }
        return proxyRunning && apps > 0;
    }

    /** The termination message of a terminated container (current state, else the last one), or null. */
    static String terminationMessage(JsonNode pod, String container) {
        JsonNode status = find(pod, container);
        if (status == null) {
            return null;
        }
        for (String state : List.of("state", "lastState")) {
            JsonNode message = status.path(state).path("terminated").get("message");
            if (message != null && message.isString() && !message.asString().isEmpty()) {
                return message.asString();
            }
        }
        return null;
    }

    private static JsonNode find(JsonNode pod, String name) {
        for (String list : List.of("initContainerStatuses", "containerStatuses")) {
            for (JsonNode status : pod.path("status").path(list)) {
                if (name.equals(status.path("name").asString(null))) {
                    return status;
                }
            }
        }
        return null;
    }
}
