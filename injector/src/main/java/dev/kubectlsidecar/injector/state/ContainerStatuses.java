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
