package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The statuses the local cluster's fake kubelet publishes, one pod of each shape (app, injected or not): those
 * pods are created in a namespace of their own, the kubelet starts them and runs each injected pod's real
 * {@code istio-init} command in a network namespace, and its termination message (the {@code iptables-save} output)
 * becomes part of the status every pod of that shape gets. The namespace is deleted afterwards.
 */
final class KubeletStatuses {
    static final String SEED_NAMESPACE = "scale-seed";
    private static final Duration LIMIT = Duration.ofSeconds(120);

    /** A started pod's node and status. */
    record Started(String nodeName, ObjectNode status) {
    }

    private record Shape(App app, boolean injected) {
    }

    private final Map<Shape, Started> byShape;

    private KubeletStatuses(Map<Shape, Started> byShape) {
        this.byShape = byShape;
    }

    /** Creates one pod per shape in {@value #SEED_NAMESPACE}, waits until the kubelet started them, deletes them. */
    static KubeletStatuses collect(ApiClient api, InjectionEngine engine) throws InterruptedException {
        ClusterPlan.PlannedNamespace seeds = new ClusterPlan.PlannedNamespace(SEED_NAMESPACE, ClusterPlan.NamespaceKind.ENABLED);
        api.createNamespace(SEED_NAMESPACE, seeds.labels());
        Map<String, Shape> created = new HashMap<>();
        int n = 0;
        for (App app : App.values()) {
            for (boolean optOut : new boolean[] {false, true}) {
                String name = app.appName() + "-seed-" + n++;
                ClusterPlan.PlannedPod planned = new ClusterPlan.PlannedPod(seeds, name, app, "ReplicaSet",
                        app.appName() + "-seed", optOut ? Map.of(ClusterPlan.POD_SWITCH, "false") : Map.of(),
                        ClusterPlan.Condition.HEALTHY, Instant.now());
                PodInjection admitted = PodFactory.admitted(engine, planned);
                api.createPod(SEED_NAMESPACE, admitted.pod());
                created.put(name, new Shape(app, admitted.injected()));
            }
        }
        Map<Shape, Started> byShape = new HashMap<>();
        Instant deadline = Instant.now().plus(LIMIT);
        for (Map.Entry<String, Shape> seed : created.entrySet()) {
            JsonNode pod = awaitStarted(api, seed.getKey(), deadline);
            if (seed.getValue().injected() && terminationMessage(pod).isEmpty()) {
                throw new IllegalStateException("the kubelet published no istio-init termination message for " + seed.getKey()
                        + " (it runs istio-init only as root with ip and iptables on PATH)");
            }
            byShape.put(seed.getValue(), new Started(pod.path("spec").path("nodeName").asString(), (ObjectNode) pod.path("status")));
        }
        api.deleteNamespace(SEED_NAMESPACE);
        return new KubeletStatuses(byShape);
    }

    Started of(App app, boolean injected) {
        Started started = byShape.get(new Shape(app, injected));
        if (started == null) {
            throw new IllegalStateException("no " + (injected ? "injected " : "") + app.appName() + " pod was started");
        }
        return started;
    }

    private static JsonNode awaitStarted(ApiClient api, String name, Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            JsonNode pod = api.get("/api/v1/namespaces/" + SEED_NAMESPACE + "/pods/" + name);
            if (pod.path("status").hasNonNull("phase")) {
                return pod;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the kubelet did not start pod " + SEED_NAMESPACE + "/" + name + " within " + LIMIT.toSeconds() + " s");
    }

    private static Optional<String> terminationMessage(JsonNode pod) {
        for (JsonNode init : pod.path("status").path("initContainerStatuses")) {
            if (init.path("name").asString().equals("istio-init")) {
                return Optional.ofNullable(Json.text(init.path("state").path("terminated"), "message"));
            }
        }
        return Optional.empty();
    }
}
