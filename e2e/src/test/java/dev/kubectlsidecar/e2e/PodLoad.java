package dev.kubectlsidecar.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Pods created one after another through the API server's admission, from a thread of their own, until closed;
 * every creation's outcome is kept in order.
 */
final class PodLoad implements AutoCloseable {
    /** One creation: the pod stored (with or without the sidecar), or the API server's refusal. */
    record Outcome(String pod, boolean created, boolean injected, String refusal) {
    }

    private static final long PAUSE_MILLIS = 100;

    private final KubernetesClient client;
    private final String namespace;
    private final String prefix;
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    PodLoad(KubernetesClient client, String namespace, String prefix) {
        this.client = client;
        this.namespace = namespace;
        this.prefix = prefix;
        this.thread = new Thread(this::createContinuously, "pod-load-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    private void createContinuously() {
        for (int n = 0; running.get(); n++) {
            String name = prefix + n;
            Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("ghcr.io/example/app:1").endContainer()
                    .endSpec().build();
            try {
                Pod stored = client.pods().inNamespace(namespace).resource(pod).create();
                outcomes.add(new Outcome(name, true, hasSidecar(stored), null));
            } catch (KubernetesClientException e) {
                String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                        : String.valueOf(e.getMessage());
                outcomes.add(new Outcome(name, false, false, message));
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static boolean hasSidecar(Pod pod) {
        return Stream.concat(pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream())
                .map(Container::getName).anyMatch("istio-proxy"::equals);
    }

    /** How many creations have ended so far: outcomes from here on are later. */
    int mark() {
        return outcomes.size();
    }

    /** Waits for a creation after {@code mark} with {@code wanted} outcome and returns it. */
    Outcome awaitAfter(int mark, String what, Predicate<Outcome> wanted) throws InterruptedException {
        return Poll.until(what, () -> outcomes.subList(Math.min(mark, outcomes.size()), outcomes.size()).stream()
                .filter(wanted).findFirst().orElse(null));
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
