package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches one object by name (an informer, so list and watch carry a {@code metadata.name} field selector and RBAC
 * {@code resourceNames} can restrict them) and hands its current state — the object, or empty when absent — to
 * {@code onState} after every change and once when the first list is in.
 *
 * <p>The state handed over is always read from the informer's cache under one lock, never taken from the event, so
 * the last call reflects the latest state even when the start-up call and events interleave. Calls may repeat the
 * same state (resyncs, reconnects): consumers compare. Errors are logged and the informer keeps retrying.
 */
final class NamedObjectWatch<T extends HasMetadata> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NamedObjectWatch.class.getName());

    private final Informable<T> source;
    private final String name;
    private final String description;
    private final Consumer<Optional<T>> onState;
    private SharedIndexInformer<T> informer;

    /** {@code source} is the named resource (e.g. {@code client.secrets().inNamespace(ns).withName(name)}). */
    NamedObjectWatch(Informable<T> source, String name, String description, Consumer<Optional<T>> onState) {
        this.source = source;
        this.name = name;
        this.description = description;
        this.onState = onState;
    }

    synchronized void start() {
        if (informer != null) {
            return;
        }
        informer = source.runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            LOG.log(Level.WARNING, "watching " + description + ": " + error + "; retrying");
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
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
        informer.start().whenComplete((ignored, error) -> {
            if (error == null) {
                refresh();
            }
        });
    }

    /** Re-reads the cached state and hands it over again (also useful after the consumer's own failed attempt). */
    void refresh() {
        synchronized (this) {
            if (informer == null || !informer.hasSynced()) {
                return;
            }
            Optional<T> current = informer.getStore().list().stream()
                    .filter(o -> name.equals(o.getMetadata().getName()))
                    .findFirst();
            try {
                onState.accept(current);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "handling a change of " + description + " failed: " + e, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
