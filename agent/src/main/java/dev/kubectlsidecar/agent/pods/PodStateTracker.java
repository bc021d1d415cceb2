package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.agent.GenericKinds;
import dev.kubectlsidecar.agent.health.ReadinessCheck;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.PodStateCalculator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.ExponentialBackoffIntervalCalculator;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the sidecar state of every pod in the cluster, and nothing else per pod (no Pod objects: an informer's cache
 * of 10 000 pods would not fit the agent's heap). Lists all pods page by page, then watches from the list's
 * resourceVersion: a pod added or modified gets its state recomputed, a deleted one is forgotten. Pods are read as
 * JSON trees ({@link PodTrees}; the watch's generic resources), the engine's own input, never as typed Pods. When the watch
 * ends (410 Gone: resourceVersion too old, or an error the client gave up on) or a list fails, it lists and watches
 * again after a backoff that doubles from {@code firstRetry} up to 32 times that; meanwhile the last states serve.
 *
 * <p>States come from the engine {@code engines} supplies at the time and from the namespace's labels; when either
 * changes ({@link #recomputeAll()}, a namespace relabelled) the affected pods are listed again and recomputed. A
 * namespace whose pods were all computed with its current labels is not listed again when the namespace watch
 * reports it (as it reports every namespace when it starts: 500 namespaces would be 10 000 pods listed twice).
 *
 * <p>Threads: the client's watch thread computes an event's state (so a slow engine slows the watch stream down
 * instead of queueing pods); one worker thread of this tracker does every list and every change to the stored
 * states, in order. A watch event computed with an engine or namespace labels that have changed since is re-read
 * from the API server before it is stored, so no state outlives the inputs it was computed from.
 */
public final class PodStateTracker implements AutoCloseable {
    /** The states {@link #counts()} counts: the {@code state} label values of {@code kubectl_sidecar_pods}. */
    public static final List<String> COUNTED_STATES = PodStates.COUNTED;
    public static final int PAGE_SIZE = 500;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(PodStateTracker.class.getName());

    private final KubernetesClient client;
    private final Supplier<InjectionEngine> engines;
    private final KubeVersion kubeVersion;
    private final long pageSize;
    private final PodStates store = new PodStates();
    private final PodTrees trees;
    private final NamespaceLabels namespaces;
    private final ExponentialBackoffIntervalCalculator retries;
    private final ScheduledExecutorService worker;
    private final AtomicLong watchEpoch = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();
    private volatile boolean synced;
    private volatile boolean closed;
    private volatile String lastFailure;
    private volatile Watch watch;
    private volatile PodWatcher watcher;
    private volatile PodStateCalculator calculator;
    private boolean resyncScheduled; // worker thread only
    private final LabelsUsed labelsUsed = new LabelsUsed(); // worker thread only

    /**
     * @param engines the engine to compute states with, read at every computation (config reloads apply)
     * @param kubeVersion the API server's version ({@link KubeVersion#UNKNOWN} when it could not be read)
     */
    public PodStateTracker(KubernetesClient client, Supplier<InjectionEngine> engines, KubeVersion kubeVersion) {
        this(client, engines, kubeVersion, PAGE_SIZE, FIRST_RETRY);
    }

    PodStateTracker(KubernetesClient client, Supplier<InjectionEngine> engines, KubeVersion kubeVersion,
                    int pageSize, Duration firstRetry) {
        this.client = client;
        this.engines = engines;
        this.kubeVersion = kubeVersion;
        this.pageSize = pageSize;
        this.trees = new PodTrees(client);
        this.retries = new ExponentialBackoffIntervalCalculator((int) firstRetry.toMillis(),
                ExponentialBackoffIntervalCalculator.UNLIMITED_RETRIES);
        this.namespaces = new NamespaceLabels(client, this::namespaceChanged);
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pod-states");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Watches namespaces, then, once they are listed, lists and watches pods. Returns at once; idempotent. */
    public PodStateTracker start() {
        if (started.compareAndSet(false, true)) {
            namespaces.start().whenComplete((listed, error) -> submit(this::resync));
        }
        return this;
    }

    /** True from the end of the first complete list of pods on. */
    public boolean synced() {
        return synced;
    }

    /** Not ready until the first list of pods is in; the detail says how many pods are tracked, or what failed. */
    public ReadinessCheck readinessCheck() {
        return () -> {
            if (synced) {
                return ReadinessCheck.Status.ready("tracking the sidecar state of " + podCount(store.size()));
            }
            String failure = lastFailure;
            return ReadinessCheck.Status.notReady("listing pods for the first time"
                    + (failure == null ? "" : "; last attempt: " + failure));
        };
    }

    /**
     * The states of all pods, of one namespace's pods, or of one pod (an empty list when it is not known), sorted by
     * namespace then name.
     *
     * @throws IllegalArgumentException when {@code pod} is given without {@code namespace}
     */
    public List<PodSidecarState> states(String namespaceOrNull, String podOrNull) {
        if (podOrNull != null && namespaceOrNull == null) {
            throw new IllegalArgumentException("a pod is named within a namespace: give the namespace too");
        }
        return store.select(namespaceOrNull, podOrNull);
    }

    /** How many pods are in each of the {@link #COUNTED_STATES}; a pod can count in several (injected and stale). */
    public Map<String, Long> counts() {
        return store.counts();
    }

    /** Lists every pod again and recomputes its state: call it when the injection config changed. */
    public void recomputeAll() {
        if (recomputeQueued.compareAndSet(false, true)) {
            submit(() -> {
                recomputeQueued.set(false);
                relist(null);
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        stopWatch();
        namespaces.close();
    }

    /** Test hook: the watcher of the current pod watch (to deliver what the client would, such as a 410). */
    Watcher<GenericKubernetesResource> currentWatcher() {
        return watcher;
    }

    /** What the namespace watch calls for a namespace that appeared or was relabelled; package-private for tests. */
    void namespaceChanged(String namespace) {
        submit(() -> {
            if (store.hasNamespace(namespace) && !labelsUsed.allComputedWith(namespace, namespaces.info(namespace))) {
                relist(namespace);
            }
        });
    }

    private void resync() {
        resyncScheduled = false;
        stopWatch();
        try {
            long start = System.nanoTime();
            watchFrom(list(null));
            retries.resetReconnectAttempts();
            lastFailure = null;
            if (!synced) {
                LOG.log(Level.INFO, "tracking the sidecar state of " + podCount(store.size()) + " (listed in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)");
            }
            synced = true;
        } catch (RuntimeException | OutOfMemoryError e) {
            retryLater("listing and watching pods failed", e);
        }
    }

    /** Lists and recomputes the pods of {@code namespace} (all when null) while the watch goes on. */
    private void relist(String namespace) {
        if (!synced) {
            return; // the first list is still to come, and it reads the current engine and labels
        }
        try {
            list(namespace);
        } catch (RuntimeException | OutOfMemoryError e) {
            retryLater("listing the pods " + (namespace == null ? "of all namespaces" : "in " + namespace) + " failed", e);
        }
    }

    /**
     * Lists the pods of {@code namespace} (all when null), stores their states and forgets the pods the list no
     * longer has. @return the list's resourceVersion, to watch from
     */
    private String list(String namespace) {
        Map<String, Set<String>> listed = new HashMap<>();
        labelsUsed.forget(namespace);
        String resourceVersion = trees.forEach(namespace, pageSize, pod -> {
            listed.computeIfAbsent(namespaceOf(pod), ns -> new HashSet<>()).add(nameOf(pod));
            Computed computed = compute(pod);
            if (computed != null) {
                store(computed);
            }
        });
        store.retainOnly(namespace, listed);
        return resourceVersion;
    }

    private void watchFrom(String resourceVersion) {
        PodWatcher next = new PodWatcher(watchEpoch.incrementAndGet());
        watcher = next;
        watch = client.genericKubernetesResources(GenericKinds.PODS).inAnyNamespace().watch(new ListOptionsBuilder()
                .withResourceVersion(resourceVersion)
                .withAllowWatchBookmarks(true)
                .build(), next);
        if (closed) {
            stopWatch();
        }
    }

    /** From now on, events of the current watch are ignored. */
    private void stopWatch() {
        watchEpoch.incrementAndGet();
        Watch current = watch;
        watch = null;
        if (current != null) {
            current.close();
        }
    }

    private void retryLater(String what, Throwable failure) {
        if (closed) {
            return;
        }
        String message = ApiFailures.describe(failure);
        lastFailure = what + ": " + message;
        if (resyncScheduled) {
            return;
        }
        long delay = retries.nextReconnectInterval();
        LOG.log(Level.WARNING, lastFailure + "; listing all pods again in " + delay + " ms");
        try {
            worker.schedule(this::resync, delay, TimeUnit.MILLISECONDS);
            resyncScheduled = true;
        } catch (RejectedExecutionException stopped) {
            // closed meanwhile
        }
    }

    /** A pod's state and what it was computed from. */
    private record Computed(PodSidecarState state, InjectionEngine engine, NamespaceInfo namespace) {
    }

    /** @return null when the engine failed on the pod (a bug: logged, the pod keeps its previous state) */
    private Computed compute(ObjectNode pod) {
        InjectionEngine engine = engines.get();
        NamespaceInfo namespace = namespaces.info(namespaceOf(pod));
        try {
            PodSidecarState state = calculator(engine).of(pod, namespace);
            return new Computed(state, engine, namespace);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "computing the sidecar state of pod " + namespaceOf(pod) + "/" + nameOf(pod)
                    + " failed: " + e, e);
            return null;
        }
    }

    /** The calculator of {@code engine}: one per engine, for what it remembers between pods. */
    private PodStateCalculator calculator(InjectionEngine engine) {
        PodStateCalculator current = calculator;
        if (current == null || current.engine() != engine) {
            current = new PodStateCalculator(engine, kubeVersion);
            calculator = current;
        }
        return current;
    }

    /** Keeps a state and the labels it was computed with. Worker thread only. */
    private void store(Computed computed) {
        store.put(computed.state());
        labelsUsed.stored(computed.state().namespace(), computed.namespace());
    }

    private static String namespaceOf(ObjectNode pod) {
        return pod.path("metadata").path("namespace").asString();
    }

    private static String nameOf(ObjectNode pod) {
        return pod.path("metadata").path("name").asString();
    }

    /** Stores a watch event's state, or reads the pod again when the engine or its namespace changed since. */
    private void keep(Computed computed) {
        String namespace = computed.state().namespace();
        if (computed.engine() == engines.get() && computed.namespace().equals(namespaces.info(namespace))) {
            store(computed);
            return;
        }
        String name = computed.state().name();
        try {
            Optional<ObjectNode> pod = trees.get(namespace, name);
            if (pod.isEmpty()) {
                store.remove(namespace, name);
                return;
            }
            Computed fresh = compute(pod.get());
            if (fresh != null) {
                store(fresh);
            }
        } catch (RuntimeException e) {
            retryLater("reading pod " + namespace + "/" + name + " failed", e);
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "pod state update failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException stopped) {
            // closed: nothing more to keep
        }
    }

    private static String podCount(int count) {
        return count + (count == 1 ? " pod" : " pods");
    }

    /** Watches all pods; its events count only while it is the current watch. */
    private final class PodWatcher implements Watcher<GenericKubernetesResource> {
        private final long epoch;

        PodWatcher(long epoch) {
            this.epoch = epoch;
        }

        @Override
        public void eventReceived(Action action, GenericKubernetesResource resource) {
            if (!current()) {
                return;
            }
            switch (action) {
                case ADDED, MODIFIED -> {
                    Computed computed = compute(client.getKubernetesSerialization().convertValue(resource, ObjectNode.class));
                    if (computed != null) {
                        submit(() -> {
                            if (current()) {
                                keep(computed);
                            }
                        });
                    }
                }
                case DELETED -> {
                    String namespace = resource.getMetadata().getNamespace();
                    String name = resource.getMetadata().getName();
                    submit(() -> {
                        if (current()) {
                            store.remove(namespace, name);
                        }
                    });
                }
                default -> {
                    // BOOKMARK: the client keeps its resourceVersion; ERROR: the client ends the watch (onClose)
                }
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            submit(() -> {
                if (current()) {
                    retryLater("the pod watch ended", cause);
                }
            });
        }

        @Override
        public void onClose() {
            // closed by this tracker
        }

        private boolean current() {
            return epoch == watchEpoch.get();
        }
    }
}
