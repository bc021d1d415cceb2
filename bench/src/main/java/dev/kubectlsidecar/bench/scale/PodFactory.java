package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a {@link ClusterPlan.PlannedPod} into the pod the API server would hold: the app's template with the
 * controller's metadata, through the engine as the webhook would have seen it (the namespace's labels at creation,
 * a server with native sidecars), and the status the local cluster's kubelet published for a pod of the same shape
 * ({@link KubeletStatuses}), with its own IP and container IDs and, for some, a problem.
 */
final class PodFactory {
    private final InjectionEngine engine;
    private final KubeletStatuses statuses;
    private final SplittableRandom random = new SplittableRandom(7);

    PodFactory(InjectionEngine engine, KubeletStatuses statuses) {
        this.engine = engine;
        this.statuses = statuses;
    }

    /** The pod as admission would store it, before any kubelet has seen it. */
    static PodInjection admitted(InjectionEngine engine, ClusterPlan.PlannedPod planned) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode template = planned.app().template();
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("name", planned.name()).put("namespace", planned.namespace().name());
        ObjectNode labels = metadata.putObject("labels");
        template.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
        planned.labels().forEach(labels::put);
        if (template.path("metadata").has("annotations")) {
            metadata.set("annotations", template.path("metadata").path("annotations"));
        }
        metadata.putArray("ownerReferences").addObject()
                .put("apiVersion", planned.ownerKind().equals("Job") ? "batch/v1" : "apps/v1")
                .put("kind", planned.ownerKind()).put("name", planned.ownerName())
                .put("uid", UUID.nameUUIDFromBytes((planned.namespace().name() + "/" + planned.ownerName()).getBytes()).toString())
                .put("controller", true).put("blockOwnerDeletion", true);
        metadata.put("creationTimestamp", planned.created().toString());
        pod.set("spec", template.path("spec"));
        PodInjection injection = engine.inject(pod, new PodRequest(new NamespaceInfo(planned.namespace().name(), planned.namespace().labelsAtCreation()), null, KubeVersion.of(1, 31)));
        return injection;
    }

    /** The pod with a running status; {@code serial} numbers its IP. */
    ObjectNode running(ClusterPlan.PlannedPod planned, int serial) {
        PodInjection admitted = admitted(engine, planned);
        ObjectNode pod = admitted.pod();
        boolean injected = admitted.injected();
        KubeletStatuses.Started started = statuses.of(planned.app(), injected);
        Json.objectAt(pod, "spec").put("nodeName", started.nodeName());
        ObjectNode status = started.status().deepCopy();
        String ip = "10." + (244 + serial / 64_000) + "." + serial % 64_000 / 250 + "." + (serial % 250 + 2);
        status.put("podIP", ip);
        status.putArray("podIPs").addObject().put("ip", ip);
        for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
            for (JsonNode entry : status.path(list)) {
                String id = "containerd://" + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
                ((ObjectNode) entry).put("containerID", id);
                if (entry.path("state").has("terminated")) {
                    ((ObjectNode) entry.path("state").path("terminated")).put("containerID", id);
                }
            }
        }
        if (injected) {
            applyCondition(status, planned.condition());
        }
        pod.set("status", status);
        return pod;
    }

    private void applyCondition(ObjectNode status, ClusterPlan.Condition condition) {
        switch (condition) {
            case HEALTHY -> {
            }
            case IPTABLES_MISMATCH -> initMessage(status).ifPresent(terminated -> terminated.put("message",
                    withoutFirstOutputRule(terminated.path("message").asString())));
            case NO_RULES_REPORTED -> initMessage(status).ifPresent(terminated -> terminated.remove("message"));
            case PROXY_NOT_READY -> crashLooping(status);
        }
    }

    private static Optional<ObjectNode> initMessage(ObjectNode status) {
        return entry(status, "initContainerStatuses", "istio-init")
                .map(init -> init.path("state").path("terminated"))
                .filter(JsonNode::isObject).map(ObjectNode.class::cast);
    }

    /** The message as if the first {@code ISTIO_OUTPUT} rule had been deleted after istio-init ran. */
    private static String withoutFirstOutputRule(String message) {
        int at = message.indexOf("\n-A ISTIO_OUTPUT ");
        if (at < 0) {
            throw new IllegalStateException("istio-init's termination message has no ISTIO_OUTPUT rule:\n" + message);
        }
        int end = message.indexOf('\n', at + 1);
        return message.substring(0, at) + message.substring(end);
    }

    private void crashLooping(ObjectNode status) {
        ObjectNode proxy = entry(status, "initContainerStatuses", "istio-proxy")
                .or(() -> entry(status, "containerStatuses", "istio-proxy"))
                .orElseThrow(() -> new IllegalStateException("an injected pod's status has no istio-proxy"));
        String startedAt = proxy.path("state").path("running").path("startedAt").asString();
        proxy.put("ready", false).put("started", false).put("restartCount", 1 + random.nextInt(40));
        proxy.putObject("state").putObject("waiting").put("reason", "CrashLoopBackOff")
                .put("message", "back-off 5m0s restarting failed container=istio-proxy");
        proxy.putObject("lastState").putObject("terminated").put("exitCode", 1).put("reason", "Error")
                .put("startedAt", startedAt).put("finishedAt", startedAt);
        for (JsonNode condition : status.path("conditions")) {
            String type = condition.path("type").asString();
            if (type.equals("Ready") || type.equals("ContainersReady")) {
                ((ObjectNode) condition).put("status", "False").put("reason", "ContainersNotReady");
            }
        }
    }

    private static Optional<ObjectNode> entry(ObjectNode status, String list, String name) {
        for (JsonNode entry : status.path(list)) {
            if (name.equals(entry.path("name").asString())) {
                return Optional.of((ObjectNode) entry);
            }
        }
        return Optional.empty();
    }
}
