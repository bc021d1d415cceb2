package dev.kubectlsidecar.testkit.kubelet;

import dev.kubectlsidecar.injector.json.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The order in which a kubelet starts and stops a pod's containers, as Kubernetes documents it ("Pod Lifecycle",
 * "Sidecar Containers", "Container Lifecycle Hooks"), as one line per step:
 * <ul>
 *   <li>init containers run one after another; a native sidecar (an init container with {@code restartPolicy:
 *       Always}) keeps running, and the next container starts only once it has started: its {@code postStart}
 *       hook returned and its {@code startupProbe}, if any, passed;</li>
 *   <li>then the app containers, in order, each after the previous one's {@code postStart} hook returned;</li>
 *   <li>on deletion, every app container's {@code preStop} hook runs first and the container is stopped when its
 *       own hook returned (at once without one); the native sidecars are stopped after all app containers, in
 *       reverse order, each after its own {@code preStop}.</li>
 * </ul>
 * The fake kubelet runs no containers: these steps are what the pod's spec makes a real kubelet do.
 */
final class ContainerOrder {
    private ContainerOrder() {
    }

    static List<String> start(JsonNode pod) {
        List<String> steps = new ArrayList<>();
        for (JsonNode container : pod.path("spec").path("initContainers")) {
            String name = "init " + Json.text(container, "name");
            if (isNativeSidecar(container)) {
                steps.add(name + ": started");
                if (has(container, "postStart")) {
                    steps.add(name + ": postStart returned");
                }
                if (container.has("startupProbe")) {
                    steps.add(name + ": startupProbe passed");
                }
            } else {
                steps.add(name + ": ran to completion");
            }
        }
        for (JsonNode container : pod.path("spec").path("containers")) {
            String name = Json.text(container, "name");
            steps.add(name + ": started");
            if (has(container, "postStart")) {
                steps.add(name + ": postStart returned");
            }
        }
        return steps;
    }

    static List<String> stop(JsonNode pod) {
        List<String> steps = new ArrayList<>();
        List<String> hooked = new ArrayList<>();
        for (JsonNode container : pod.path("spec").path("containers")) {
            String name = Json.text(container, "name");
            if (has(container, "preStop")) {
                steps.add(name + ": preStop started");
                hooked.add(name);
            }
        }
        for (JsonNode container : pod.path("spec").path("containers")) {
            String name = Json.text(container, "name");
            if (!hooked.contains(name)) {
                steps.add(name + ": stopped");
            }
        }
        for (String name : hooked) {
            steps.add(name + ": preStop returned");
            steps.add(name + ": stopped");
        }
        List<JsonNode> sidecars = new ArrayList<>();
        pod.path("spec").path("initContainers").forEach(c -> {
            if (isNativeSidecar(c)) {
                sidecars.add(c);
            }
        });
        for (int i = sidecars.size() - 1; i >= 0; i--) {
            String name = "init " + Json.text(sidecars.get(i), "name");
            if (has(sidecars.get(i), "preStop")) {
                steps.add(name + ": preStop started");
                steps.add(name + ": preStop returned");
            }
            steps.add(name + ": stopped");
        }
        return steps;
    }

    private static boolean isNativeSidecar(JsonNode container) {
        return "Always".equals(Json.text(container, "restartPolicy"));
    }

    private static boolean has(JsonNode container, String hook) {
        return container.path("lifecycle").has(hook);
    }
}
