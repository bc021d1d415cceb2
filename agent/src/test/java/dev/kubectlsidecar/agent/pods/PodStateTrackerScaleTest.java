package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.cluster.Poll;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 10 000 pods in 500 namespaces, listed as an API server pages them (20 pages of {@link PodStateTracker#PAGE_SIZE}):
 * the tracker keeps one state for each, every one of them, sorted. Served by expectations (the mock's CRUD mode
 * ignores {@code limit}); the watch that follows goes to the empty CRUD store.
 */
@EnableKubernetesMockClient(crud = true)
class PodStateTrackerScaleTest {
    static {
        Poll.quietMockServer();
    }

    private static final int PODS = 10_000;
    private static final int NAMESPACES = 500;

    KubernetesMockServer server;
    KubernetesClient client;
    private PodStateTracker tracker;

    @AfterEach
    void stop() {
        tracker.close();
    }

    @Test
    void everyPodOfAPagedListIsTrackedOnce() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            pods.add(PodFixtures.plain(String.format("ns-%03d", i % NAMESPACES), String.format("web-%05d", i)));
        }
        int pages = PODS / PodStateTracker.PAGE_SIZE;
        for (int page = 0; page < pages; page++) {
            String path = "/api/v1/pods?" + (page == 0 ? "" : "continue=page-" + page + "&") + "limit=" + PodStateTracker.PAGE_SIZE;
            server.expect().get().withPath(path).andReturn(200, page(pods.subList(page * PodStateTracker.PAGE_SIZE,
                    (page + 1) * PodStateTracker.PAGE_SIZE), page + 1 < pages ? "page-" + (page + 1) : null)).once();
        }

        tracker = new PodStateTracker(client, () -> PodFixtures.ENGINE, KubeVersion.of(1, 28), PodStateTracker.PAGE_SIZE,
                Duration.ofMillis(20)).start();
        Poll.until("the first list of pods", tracker::synced);

        List<PodSidecarState> states = tracker.states(null, null);
        assertThat(states).hasSize(PODS);
        assertThat(states.stream().map(s -> s.namespace() + "/" + s.name()).distinct()).hasSize(PODS);
        assertThat(states.get(0).namespace() + "/" + states.get(0).name()).isEqualTo("ns-000/web-00000");
        assertThat(states.get(PODS - 1).namespace() + "/" + states.get(PODS - 1).name()).isEqualTo("ns-499/web-09999");
        assertThat(tracker.states("ns-123", null)).hasSize(PODS / NAMESPACES);
        assertThat(tracker.counts()).containsEntry("not_injected", (long) PODS).containsEntry("injected", 0L);
        assertThat(tracker.readinessCheck().check().detail()).isEqualTo("tracking the sidecar state of 10000 pods");
    }

    private static PodList page(List<Pod> pods, String next) {
        return new PodListBuilder().withNewMetadata().withResourceVersion("7").withContinue(next).endMetadata()
                .withItems(pods).build();
    }
}
