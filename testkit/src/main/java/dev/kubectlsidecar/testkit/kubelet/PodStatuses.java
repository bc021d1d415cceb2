package dev.kubectlsidecar.testkit.kubelet;

import dev.kubectlsidecar.injector.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The status a kubelet publishes for a pod it started: init containers terminated (or, for native sidecars,
 * running and ready), app containers running and ready, phase Running. When an init container failed, the pod
 * stays Pending with that container terminated in error and the app containers waiting, as on a node.
 */
final class PodStatuses {
    static final String NODE_NAME = "local-node";
    static final String HOST_IP = "10.0.0.10";

    /** How an init container ended. */
    record InitResult(int exitCode, String message) {
        static final InitResult COMPLETED = new InitResult(0, null);
    }

    private PodStatuses() {
    }

    /**
     * @param initResults by init container name; a container that is not in it completed without a message
     */
    static ObjectNode status(JsonNode pod, String podIp, Map<String, InitResult> initResults) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        JsonNode spec = pod.path("spec");
        boolean initialized = true;
        ObjectNode status = Json.object();
        ArrayNode initStatuses = Json.array();
        for (JsonNode container : spec.path("initContainers")) {
            ObjectNode entry = containerStatus(container);
            if ("Always".equals(Json.text(container, "restartPolicy"))) {
                running(entry, now);
            } else {
                InitResult result = initResults.getOrDefault(container.path("name").asString(), InitResult.COMPLETED);
                terminated(entry, result, now);
                initialized &= result.exitCode() == 0;
            }
            initStatuses.add(entry);
        }
        ArrayNode appStatuses = Json.array();
        for (JsonNode container : spec.path("containers")) {
            ObjectNode entry = containerStatus(container);
            if (initialized) {
                running(entry, now);
            } else {
                entry.put("ready", false).put("started", false);
                entry.putObject("state").putObject("waiting").put("reason", "PodInitializing");
            }
            appStatuses.add(entry);
        }
        status.put("phase", initialized ? "Running" : "Pending");
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "PodReadyToStartContainers", true, now);
        condition(conditions, "Initialized", initialized, now);
        condition(conditions, "Ready", initialized, now);
        condition(conditions, "ContainersReady", initialized, now);
        condition(conditions, "PodScheduled", true, now);
        status.put("hostIP", HOST_IP);
        status.putArray("hostIPs").addObject().put("ip", HOST_IP);
        status.put("podIP", podIp);
        status.putArray("podIPs").addObject().put("ip", podIp);
        status.put("startTime", now);
        status.put("qosClass", "BestEffort");
        if (!initStatuses.isEmpty()) {
            status.set("initContainerStatuses", initStatuses);
        }
        status.set("containerStatuses", appStatuses);
        return status;
    }

    /**
     * {@code fresh} (a status from {@link #status}) after a restart of the pod's sandbox: each container's restart
     * count is one more than in {@code previous}, and the pod keeps its start time.
     */
    static ObjectNode restarted(JsonNode previous, ObjectNode fresh) {
        for (String field : new String[] {"initContainerStatuses", "containerStatuses"}) {
            for (JsonNode entry : fresh.path(field)) {
                int before = 0;
                for (JsonNode old : previous.path(field)) {
                    if (old.path("name").asString().equals(entry.path("name").asString())) {
                        before = old.path("restartCount").asInt(0);
                    }
                }
                ((ObjectNode) entry).put("restartCount", before + 1);
            }
        }
        if (previous.hasNonNull("startTime")) {
            fresh.put("startTime", previous.path("startTime").asString());
        }
        return fresh;
    }

    private static ObjectNode containerStatus(JsonNode container) {
        String image = container.path("image").asString();
        ObjectNode entry = Json.object();
        entry.put("name", container.path("name").asString());
        entry.put("image", image);
        entry.put("imageID", image);
        entry.put("containerID", "containerd://" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        entry.put("restartCount", 0);
        return entry;
    }

    private static void running(ObjectNode entry, String now) {
        entry.put("ready", true).put("started", true);
        entry.putObject("state").putObject("running").put("startedAt", now);
    }

    private static void terminated(ObjectNode entry, InitResult result, String now) {
        boolean completed = result.exitCode() == 0;
        entry.put("ready", completed).put("started", false);
        ObjectNode terminated = entry.putObject("state").putObject("terminated");
        terminated.put("exitCode", result.exitCode());
        terminated.put("reason", completed ? "Completed" : "Error");
        if (result.message() != null && !result.message().isEmpty()) {
            terminated.put("message", result.message());
        }
        terminated.put("startedAt", now).put("finishedAt", now);
        terminated.put("containerID", entry.path("containerID").asString());
    }

    private static void condition(ArrayNode conditions, String type, boolean status, String now) {
        ObjectNode condition = conditions.addObject().put("type", type).put("status", status ? "True" : "False");
        condition.put("lastProbeTime", (String) null).put("lastTransitionTime", now);
        if (!status) {
            condition.put("reason", type.equals("Initialized") ? "ContainersNotInitialized" : "ContainersNotReady");
        }
    }
}
