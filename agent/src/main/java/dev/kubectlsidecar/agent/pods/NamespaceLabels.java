package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.agent.GenericKinds;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every namespace's labels (they decide injection: {@code istio-injection=enabled/disabled}) and since when
 * injection has been enabled ({@link NamespaceInfo#ENABLED_AT_ANNOTATION}), from an informer:
 * namespaces are few, so caching them whole costs little. Tells {@code onChange} the name of each namespace that
 * appears (the first list included) or whose labels change; it runs on the informer's thread and must not block.
 */
final class NamespaceLabels implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NamespaceLabels.class.getName());

    private final Map<String, NamespaceInfo> namespaces = new ConcurrentHashMap<>();
    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final Consumer<String> onChange;

    NamespaceLabels(KubernetesClient client, Consumer<String> onChange) {
        this.onChange = onChange;
        this.informer = client.genericKubernetesResources(GenericKinds.NAMESPACES).runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            LOG.log(Level.WARNING, "watching namespaces: " + error + "; retrying");
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource namespace) {
                changed(namespace);
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                changed(after);
            }

            @Override
            public void onDelete(GenericKubernetesResource namespace, boolean finalStateUnknown) {
                namespaces.remove(namespace.getMetadata().getName());
            }
        });
    }

    /** Completes when the first list of namespaces is in (the informer retries until it is). */
    CompletableFuture<Void> start() {
        return informer.start().toCompletableFuture();
    }

    /** The namespace with its labels; one not (yet) seen counts as unlabelled, as {@code kubectl sidecar status} does. */
    NamespaceInfo info(String namespace) {
        NamespaceInfo known = namespaces.get(namespace);
        return known != null ? known : new NamespaceInfo(namespace, Map.of());
    }

    private void changed(GenericKubernetesResource namespace) {
        String name = namespace.getMetadata().getName();
        Map<String, String> labels = new HashMap<>();
        if (namespace.getMetadata().getLabels() != null) {
            // a label set to null is no label (the mock API server stores nulls a real one removes)
            namespace.getMetadata().getLabels().forEach((key, value) -> {
                if (value != null) {
                    labels.put(key, value);
                }
            });
        }
        NamespaceInfo now = NamespaceInfo.of(name, labels, namespace.getMetadata().getAnnotations());
        NamespaceInfo before = namespaces.put(name, now);
        if (!Objects.equals(before, now)) {
            onChange.accept(name);
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
