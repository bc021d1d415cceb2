package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.agent.cluster.Poll;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The mock API server hangs when a client closes a watch while the server is still sending on it (its WebSocket
 * send waits for the event loop that its close handler blocks), and it sends a burst when a watch opens (every
 * existing object, resourceVersion or not). Closing a tracker right after it synced would hit that now and then.
 */
final class MockWatches {
    private static final String PROBE = "drain-probe";

    private MockWatches() {
    }

    /**
     * Returns once both of the tracker's watches (pods, namespaces) have delivered everything the server sent them
     * before: a probe pod, then its namespace, each sent after the rest on its watch, must reach the tracker.
     */
    static void drain(KubernetesClient client, PodStateTracker tracker) {
        client.pods().resource(PodFixtures.plain(PROBE, PROBE)).create();
        Poll.until("the probe pod", () -> tracker.states(PROBE, PROBE).size() == 1);
        client.namespaces().resource(PodFixtures.enabled(PROBE)).create();
        Poll.until("the probe pod under its namespace's label", () ->
                tracker.states(PROBE, PROBE).get(0).messages().contains(PodFixtures.WITHOUT_SIDECAR));
    }
}
