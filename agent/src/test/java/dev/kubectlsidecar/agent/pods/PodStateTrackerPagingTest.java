package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.cluster.Poll;
import dev.kubectlsidecar.agent.health.ReadinessCheck;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lists as a real API server answers them (the mock's CRUD mode ignores {@code limit}), served by expectations, which
 * take precedence over CRUD; the watch that follows goes to the (empty) CRUD store, so it never sends an event by
 * itself: the watch's events and its end are delivered to the tracker's watcher by the tests.
 */
@EnableKubernetesMockClient(crud = true)
class PodStateTrackerPagingTest {
    static {
        Poll.quietMockServer();
    }

    private static final String FIRST_PAGE = "/api/v1/pods?limit=2";
    private static final String SECOND_PAGE = "/api/v1/pods?continue=token-1&limit=2";

    KubernetesMockServer server;
    KubernetesClient client;

    /** The client without its own retries of failed requests, so that failures reach the tracker at once. */
    private KubernetesClient failFast;
    private PodStateTracker tracker;

    @BeforeEach
    void failFastClient() {
        failFast = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build())
                .build();
    }

    @AfterEach
    void stop() {
        tracker.close();
        failFast.close();
    }

    @Test
    void followsContinueTokensToTheLastPage() {
        server.expect().get().withPath(FIRST_PAGE).andReturn(200, page("token-1", "a", "b")).once();
        server.expect().get().withPath(SECOND_PAGE).andReturn(200, page(null, "c")).once();
        start();
        assertThat(names(tracker.states(null, null))).containsExactly("shop/a", "shop/b", "shop/c");
    }

    @Test
    void anExpiredContinueTokenStartsTheListOver() {
        server.expect().get().withPath(FIRST_PAGE).andReturn(200, page("token-1", "a", "b")).times(2);
        server.expect().get().withPath(SECOND_PAGE).andReturn(410, new StatusBuilder().withCode(410)
                .withReason("Expired").withMessage("The provided continue parameter is too old").build()).once();
        server.expect().get().withPath(SECOND_PAGE).andReturn(200, page(null, "c")).once();
        start();
        assertThat(names(tracker.states(null, null))).containsExactly("shop/a", "shop/b", "shop/c");
    }

    @Test
    void aWatchEndedBy410ListsAgainAndIgnoresTheOldWatchFromThen() {
        server.expect().get().withPath(FIRST_PAGE).andReturn(200, page(null, "a", "b")).once();
        server.expect().get().withPath(FIRST_PAGE).andReturn(200, page(null, "a", "c")).once();
        start();
        assertThat(names(tracker.states(null, null))).containsExactly("shop/a", "shop/b");

        Watcher<GenericKubernetesResource> old = tracker.currentWatcher();
        old.onClose(new WatcherException("too old resource version", new KubernetesClientException(new StatusBuilder()
                .withCode(410).withReason("Expired").withMessage("too old resource version").build())));
        Poll.until("the states of the new list", () -> names(tracker.states(null, null)).equals(List.of("shop/a", "shop/c")));
        assertThat(tracker.currentWatcher()).isNotSameAs(old);

        old.eventReceived(Watcher.Action.ADDED, generic(PodFixtures.plain("shop", "from-the-old-watch")));
        tracker.currentWatcher().eventReceived(Watcher.Action.ADDED, generic(PodFixtures.plain("shop", "d")));
        Poll.until("the new watch's pod", () -> tracker.states("shop", "d").size() == 1);
        assertThat(names(tracker.states(null, null))).containsExactly("shop/a", "shop/c", "shop/d");
    }

    @Test
    void aFailingListIsRetried() throws Exception {
        server.expect().get().withPath(FIRST_PAGE).andReturn(500, etcdIsDown()).once();
        server.expect().get().withPath(FIRST_PAGE).andReturn(200, page(null, "a")).once();
        start();
        assertThat(names(tracker.states(null, null))).containsExactly("shop/a");
        assertThat(requestedPaths()).filteredOn(FIRST_PAGE::equals).hasSize(2);
    }

    @Test
    void whileListingFailsTheReadinessCheckSaysWhy() {
        server.expect().get().withPath(FIRST_PAGE).andReturn(500, etcdIsDown()).always();
        tracker = new PodStateTracker(failFast, () -> PodFixtures.ENGINE, KubeVersion.of(1, 28), 2, Duration.ofMillis(20)).start();
        Poll.until("the failure in the readiness detail",
                () -> tracker.readinessCheck().check().detail().contains("etcd is down"));
        ReadinessCheck.Status status = tracker.readinessCheck().check();
        assertThat(status.ready()).isFalse();
        assertThat(status.detail())
                .startsWith("listing pods for the first time; last attempt: listing and watching pods failed:");
        assertThat(tracker.synced()).isFalse();
    }

    private void start() {
        tracker = new PodStateTracker(failFast, () -> PodFixtures.ENGINE, KubeVersion.of(1, 28), 2, Duration.ofMillis(20)).start();
        Poll.until("the first list of pods", tracker::synced);
    }

    private static PodList page(String next, String... names) {
        List<Pod> pods = java.util.Arrays.stream(names).map(name -> PodFixtures.plain("shop", name)).toList();
        return new PodListBuilder().withNewMetadata().withResourceVersion("7").withContinue(next).endMetadata()
                .withItems(pods).build();
    }

    /** A pod as the tracker's watch delivers it. */
    private GenericKubernetesResource generic(Pod pod) {
        return client.getKubernetesSerialization().convertValue(pod, GenericKubernetesResource.class);
    }

    private static Status etcdIsDown() {
        return new StatusBuilder().withCode(500).withMessage("etcd is down").build();
    }

    private List<String> requestedPaths() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        for (RecordedRequest request = server.takeRequest(0, TimeUnit.SECONDS); request != null;
             request = server.takeRequest(0, TimeUnit.SECONDS)) {
            paths.add(request.getPath());
        }
        return paths;
    }

    private static List<String> names(List<PodSidecarState> states) {
        return states.stream().map(s -> s.namespace() + "/" + s.name()).toList();
    }
}
