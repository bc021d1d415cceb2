package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches one object by name (an informer, so list and watch carry a {@code metadata.name} field selector and RBAC
 * {@code resourceNames} can restrict them) and hands its current state — the object, or empty when absent — to
 * {@code onState} after every change and once when the first list is in.
 *
 * <p>{@code onState} runs on this watch's own thread, one call at a time, so it may block (call the API server):
 * the client's own threads (Vert.x event loops) must never wait for a response they are meant to deliver. The state
 * handed over is read from the informer's cache at the time of the call, never taken from the event, so the last
 * call reflects the latest state. Calls may repeat a state (resyncs, reconnects): consumers compare. Errors are
 * logged and the informer keeps retrying.
 */
final class NamedObjectWatch<T extends HasMetadata> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NamedObjectWatch.class.getName());

    private final Informable<T> source;
    private final String name;
    private final String description;
    private final Consumer<Optional<T>> onState;
    private final ExecutorService thread;
    private volatile SharedIndexInformer<T> informer;

    /** {@code source} is the named resource (e.g. {@code client.secrets().inNamespace(ns).withName(name)}). */
    NamedObjectWatch(Informable<T> source, String name, String description, Consumer<Optional<T>> onState) {
        this.source = source;
        this.name = name;
        this.description = description;
        this.onState = onState;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "watch-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void start() {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<T> created = source.runnableInformer(0);
        created.exceptionHandler((started, error) -> {
            LOG.log(Level.WARNING, "watching " + description + ": " + error + "; retrying");
            return true;
        });
        created.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                refresh();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                refresh();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                refresh();
            }
        });
        informer = created;
        created.start().whenComplete((ignored, error) -> refresh());
    }

    /** Hands the cached state over again, on the watch's thread; completes when that is done. */
    CompletableFuture<Void> refresh() {
        try {
            return CompletableFuture.runAsync(this::deliver, thread);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void deliver() {
        SharedIndexInformer<T> current = informer;
        if (current == null || !current.hasSynced()) {
            return;
        }
        Optional<T> state = current.getStore().list().stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst();
        try {
            onState.accept(state);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "handling a change of " + description + " failed: " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        thread.shutdownNow();
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
