package dev.kubectlsidecar.testkit.kubelet;

import dev.kubectlsidecar.injector.Json;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.Reconciler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A kubelet for the local cluster's one node, {@value PodStatuses#NODE_NAME}: every pod without a phase is
 * "started" at once: scheduled there, given an address in 10.244.0.0/16 and the status of a running pod. The
 * init container {@value #ISTIO_INIT} really runs: its command, verbatim, in a private network namespace, and
 * what it writes to {@code $TERMINATION_LOG} becomes its termination message, as the kubelet publishes it. That
 * needs root, {@code ip} and iptables; without them the container completes with no message and
 * {@link #skipReason} says why. Other init containers complete at once; native sidecars run.
 */
public final class FakeKubelet implements AutoCloseable {
    public static final String ISTIO_INIT = "istio-init";
    private static final System.Logger LOG = System.getLogger(FakeKubelet.class.getName());
    private static final List<String> TOOLS = List.of("ip", "iptables-restore", "iptables-save");

    private final ObjectStore store;
    private final Optional<String> unavailable;
    private final Reconciler loop;
    private final Map<String, String> skipReasons = new ConcurrentHashMap<>();
    private final Set<String> loggedReasons = ConcurrentHashMap.newKeySet();
    private final AtomicInteger addresses = new AtomicInteger();
    private final Set<String> changedNamespaces = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean everyNamespace = new AtomicBoolean(true);

    /**
     * @param runInitContainers false to never run {@value #ISTIO_INIT} (its command runs as root on this machine)
     */
    public FakeKubelet(ObjectStore store, boolean runInitContainers) {
        this.store = store;
        this.unavailable = runInitContainers ? NetnsRunner.unavailableReason(TOOLS)
                : Optional.of("running init containers is switched off (LocalCluster.Builder.runInitContainers)");
        this.loop = new Reconciler("kubelet", this::startNewPods);
        store.onChange(path -> {
            if (path.is("", "pods")) {
                if (path.namespace() == null) {
                    everyNamespace.set(true);
                } else {
                    changedNamespaces.add(path.namespace());
                }
                loop.trigger();
            }
        });
        loop.trigger();
    }

    /** Why the pod's {@value #ISTIO_INIT} container was not run (so it has no termination message), if it was not. */
    public Optional<String> skipReason(String namespace, String name) {
        return Optional.ofNullable(skipReasons.get(namespace + "/" + name));
    }

    /**
     * Starts the new pods of the namespaces whose pods changed since the last pass (of all namespaces on the first
     * pass): a pass lists only those, so a cluster with many pods does not list them all for every pod created.
     */
    private void startNewPods() {
        boolean all = everyNamespace.getAndSet(false);
        List<String> collections = new ArrayList<>(all ? List.of("/api/v1/pods") : List.of());
        for (String namespace : changedNamespaces) {
            changedNamespaces.remove(namespace);
            if (!all) {
                collections.add("/api/v1/namespaces/" + namespace + "/pods");
            }
        }
        for (String collection : collections) {
            for (ObjectNode pod : store.list(collection)) {
                if (!pod.path("status").hasNonNull("phase")) {
                    start(pod);
                }
            }
        }
    }

    private void start(ObjectNode pod) {
        String namespace = pod.path("metadata").path("namespace").asString();
        String name = pod.path("metadata").path("name").asString();
        Map<String, PodStatuses.InitResult> results = new LinkedHashMap<>();
        for (JsonNode container : pod.path("spec").path("initContainers")) {
            if (ISTIO_INIT.equals(Json.text(container, "name")) && !"Always".equals(Json.text(container, "restartPolicy"))) {
                runIstioInit(namespace + "/" + name, container).ifPresent(r -> results.put(ISTIO_INIT, r));
            }
        }
        String path = "/api/v1/namespaces/" + namespace + "/pods/" + name;
        Optional<ObjectNode> current = store.get(path);
        if (current.isEmpty()) {
            return;
        }
        ObjectNode started = current.get();
        Json.objectAt(started, "spec").put("nodeName", PodStatuses.NODE_NAME);
        started.set("status", PodStatuses.status(started, nextAddress(), results));
        try {
            store.replace(path, started);
        } catch (IllegalStateException e) {
            LOG.log(Level.DEBUG, "pod " + namespace + "/" + name + " changed while starting: " + e.getMessage());
        }
    }

    private Optional<PodStatuses.InitResult> runIstioInit(String pod, JsonNode container) {
        List<String> command = new ArrayList<>();
        container.path("command").forEach(part -> command.add(part.asString()));
        container.path("args").forEach(part -> command.add(part.asString()));
        Optional<String> reason = unavailable.isPresent() ? unavailable
                : container.path("command").isEmpty() ? Optional.of(ISTIO_INIT + " has no command: its image's entrypoint cannot run here")
                : Optional.empty();
        if (reason.isPresent()) {
            skip(pod, reason.get());
            return Optional.empty();
        }
        Map<String, String> environment = new LinkedHashMap<>();
        container.path("env").forEach(env -> {
            if (env.hasNonNull("value")) {
                environment.put(env.path("name").asString(), env.path("value").asString());
            }
        });
        try {
            NetnsRunner.Outcome outcome = NetnsRunner.run(command, environment);
            String message = outcome.terminationMessage();
            if (outcome.exitCode() != 0 && message.isEmpty()
                    && "FallbackToLogsOnError".equals(Json.text(container, "terminationMessagePolicy"))) {
                message = outcome.logTail();
            }
            if (outcome.exitCode() != 0) {
                LOG.log(Level.INFO, ISTIO_INIT + " of pod " + pod + " exited " + outcome.exitCode() + ": "
                        + outcome.logTail());
            }
            return Optional.of(new PodStatuses.InitResult(outcome.exitCode(), message));
        } catch (IOException e) {
            skip(pod, "running it failed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void skip(String pod, String reason) {
        skipReasons.put(pod, reason);
        if (loggedReasons.add(reason)) {
            LOG.log(Level.INFO, ISTIO_INIT + " containers are not run, so they publish no rules: " + reason);
        }
    }

    private String nextAddress() {
        int n = addresses.getAndIncrement() % (250 * 256);
        return "10.244." + n / 250 + "." + (n % 250 + 2);
    }

    @Override
    public void close() {
        loop.close();
    }
}
