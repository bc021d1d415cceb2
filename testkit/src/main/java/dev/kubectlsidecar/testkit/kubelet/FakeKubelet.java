package dev.kubectlsidecar.testkit.kubelet;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.Reconciler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * init container {@value #ISTIO_INIT} really runs: its command, verbatim, in the pod's own network namespace (kept
 * until the pod is deleted, see {@link #podNetwork}), with the node's {@link IptablesBackend}, and what it writes to
 * {@code $TERMINATION_LOG} becomes its termination message, as the kubelet publishes it. That needs root, {@code ip}
 * and iptables; without them the container completes with no message and {@link #skipReason} says why. Other init
 * containers complete at once; native sidecars run. {@link #recreateSandbox} re-runs a pod's init containers as a
 * node does when it re-creates the pod's sandbox. Each pod's {@link #lifecycle} lists, in order, the steps a real
 * kubelet takes to start it and, once it is deleted, to stop it ({@link ContainerOrder}).
 */
public final class FakeKubelet implements AutoCloseable {
    public static final String ISTIO_INIT = "istio-init";
    private static final System.Logger LOG = System.getLogger(FakeKubelet.class.getName());

    private final ObjectStore store;
    private final Optional<String> unavailable;
    private final PodSandboxes sandboxes = new PodSandboxes();
    private final Path scratch;
    private final Map<String, String> nodeEnvironment;
    private final Reconciler loop;
    private final Map<String, String> skipReasons = new ConcurrentHashMap<>();
    private final Set<String> loggedReasons = ConcurrentHashMap.newKeySet();
    private final AtomicInteger addresses = new AtomicInteger();
    private final Set<String> changedNamespaces = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean everyNamespace = new AtomicBoolean(true);
    /** The pods started here and not deleted yet, for their stop order, by namespace/name. */
    private final Map<String, JsonNode> started = new ConcurrentHashMap<>();
    private final Map<String, List<String>> lifecycles = new ConcurrentHashMap<>();

    /**
     * @param runInitContainers false to never run {@value #ISTIO_INIT} (its command runs as root on this machine)
     */
    public FakeKubelet(ObjectStore store, boolean runInitContainers) {
        this(store, runInitContainers, IptablesBackend.MACHINE);
    }

    /**
     * @param backend the iptables the node's init containers use
     */
    public FakeKubelet(ObjectStore store, boolean runInitContainers, IptablesBackend backend) {
        this.store = store;
        List<String> tools = new ArrayList<>(List.of("ip"));
        tools.addAll(backend.requiredTools());
        Optional<String> missing = runInitContainers ? NetnsRunner.unavailableReason(tools)
                : Optional.of("running init containers is switched off (LocalCluster.Builder.runInitContainers)");
        try {
            this.scratch = Files.createTempDirectory("local-cluster-node-");
            this.nodeEnvironment = missing.isPresent() ? Map.of() : backend.environment(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("prepare the node's " + backend + " iptables", e);
        }
        this.unavailable = missing.map(reason -> backend == IptablesBackend.MACHINE ? reason : backend + " iptables: " + reason);
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
     * The steps the kubelet took for this pod, in order: its containers started ({@link ContainerOrder#start}),
     * then, once the pod was deleted, stopped ({@link ContainerOrder#stop}); empty for a pod never started here.
     */
    public List<String> lifecycle(String namespace, String name) {
        return List.copyOf(lifecycles.getOrDefault(namespace + "/" + name, List.of()));
    }

    /** The network namespace ({@code ip netns}) of the pod's sandbox, if its {@value #ISTIO_INIT} ran in one. */
    public Optional<String> podNetwork(String namespace, String name) {
        return sandboxes.existing(namespace + "/" + name);
    }

    /**
     * Re-creates the running pod's sandbox as a node does after a crash or a runtime restart: {@value #ISTIO_INIT}
     * runs again, in the same network namespace ({@code keepNetwork}, as when the runtime kept it) or in a new one,
     * and the pod's status says so (its containers' restart counts go up, the new termination message replaces the
     * old). Returns once the status is stored.
     *
     * @throws IllegalStateException when the pod is not running here or its {@value #ISTIO_INIT} cannot run
     */
    public void recreateSandbox(String namespace, String name, boolean keepNetwork) {
        String path = "/api/v1/namespaces/" + namespace + "/pods/" + name;
        ObjectNode pod = store.get(path).filter(p -> p.path("status").hasNonNull("phase"))
                .orElseThrow(() -> new IllegalStateException("pod " + namespace + "/" + name + " is not running"));
        String key = namespace + "/" + name;
        if (!keepNetwork && sandboxes.existing(key).isPresent()) {
            try {
                sandboxes.renew(key);
            } catch (IOException e) {
                throw new IllegalStateException("cannot re-create the network of pod " + key + ": " + e.getMessage(), e);
            }
        }
        skipReasons.remove(key);
        Map<String, PodStatuses.InitResult> results = runInitContainers(key, pod);
        if (skipReasons.containsKey(key)) {
            throw new IllegalStateException(ISTIO_INIT + " of pod " + key + " was not run: " + skipReasons.get(key));
        }
        String address = keepNetwork ? pod.path("status").path("podIP").asString() : nextAddress();
        ObjectNode status = PodStatuses.status(pod, address, results);
        pod.set("status", PodStatuses.restarted(pod.path("status"), status));
        store.replace(path, pod);
    }

    /**
     * Starts the new pods of the namespaces whose pods changed since the last pass (of all namespaces on the first
     * pass), and releases the sandboxes of the pods gone from them: a pass lists only those namespaces, so a cluster
     * with many pods does not list them all for every pod created.
     */
    private void startNewPods() {
        boolean all = everyNamespace.getAndSet(false);
        List<String> collections = new ArrayList<>(all ? List.of("/api/v1/pods") : List.of());
        Set<String> namespaces = new HashSet<>();
        for (String namespace : changedNamespaces) {
            changedNamespaces.remove(namespace);
            namespaces.add(namespace);
            if (!all) {
                collections.add("/api/v1/namespaces/" + namespace + "/pods");
            }
        }
        Set<String> existing = new HashSet<>();
        for (String collection : collections) {
            for (ObjectNode pod : store.list(collection)) {
                existing.add(pod.path("metadata").path("namespace").asString() + "/" + pod.path("metadata").path("name").asString());
                if (!pod.path("status").hasNonNull("phase")) {
                    start(pod);
                }
            }
        }
        sandboxes.retainOnly(all ? null : namespaces, existing);
        for (String key : List.copyOf(started.keySet())) {
            boolean listed = all || namespaces.contains(key.substring(0, key.indexOf('/')));
            if (listed && !existing.contains(key)) {
                JsonNode pod = started.remove(key);
                lifecycles.computeIfPresent(key, (k, steps) -> concat(steps, ContainerOrder.stop(pod)));
            }
        }
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    private void start(ObjectNode pod) {
        String namespace = pod.path("metadata").path("namespace").asString();
        String name = pod.path("metadata").path("name").asString();
        Map<String, PodStatuses.InitResult> results = runInitContainers(namespace + "/" + name, pod);
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
            String key = namespace + "/" + name;
            this.started.put(key, started);
            lifecycles.put(key, ContainerOrder.start(started));
        } catch (IllegalStateException e) {
            LOG.log(Level.DEBUG, "pod " + namespace + "/" + name + " changed while starting: " + e.getMessage());
        }
    }

    private Map<String, PodStatuses.InitResult> runInitContainers(String pod, JsonNode spec) {
        Map<String, PodStatuses.InitResult> results = new LinkedHashMap<>();
        for (JsonNode container : spec.path("spec").path("initContainers")) {
            if (ISTIO_INIT.equals(Json.text(container, "name")) && !"Always".equals(Json.text(container, "restartPolicy"))) {
                runIstioInit(pod, container).ifPresent(r -> results.put(ISTIO_INIT, r));
            }
        }
        return results;
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
        Map<String, String> environment = new LinkedHashMap<>(nodeEnvironment);
        container.path("env").forEach(env -> {
            if (env.hasNonNull("value")) {
                environment.put(env.path("name").asString(), env.path("value").asString());
            }
        });
        try {
            NetnsRunner.Outcome outcome = NetnsRunner.runIn(sandboxes.network(pod), command, environment);
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
        sandboxes.close();
        try (var files = Files.walk(scratch)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not remove " + scratch + ": " + e.getMessage());
        }
    }
}
