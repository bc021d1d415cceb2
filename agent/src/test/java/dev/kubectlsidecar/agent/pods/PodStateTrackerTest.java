package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static dev.kubectlsidecar.agent.pods.PodFixtures.WITHOUT_SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.cluster.Poll;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.traffic.Verification;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PodStateTrackerTest {
    static {
        Poll.quietMockServer();
    }

    KubernetesMockServer server;
    KubernetesClient client;

    private final AtomicReference<InjectionEngine> engine = new AtomicReference<>(PodFixtures.ENGINE);
    private PodStateTracker tracker;

    @AfterEach
    void stop() {
        MockWatches.drain(client, tracker);
        tracker.close();
    }

    @Test
    void listsThePodsThereThenFollowsCreatesUpdatesAndDeletes() {
        client.namespaces().resource(PodFixtures.enabled("shop")).create();
        client.namespaces().resource(PodFixtures.namespace("plain", Map.of())).create();
        create(PodFixtures.injected("shop", "web-1"));
        create(PodFixtures.plain("shop", "web-2"));
        create(PodFixtures.plain("plain", "app-1"));
        start();

        assertThat(names(tracker.states(null, null))).containsExactly("plain/app-1", "shop/web-1", "shop/web-2");
        PodSidecarState injected = tracker.states("shop", "web-1").get(0);
        assertThat(injected.injected()).isTrue();
        assertThat(injected.stale()).isFalse();
        assertThat(injected.profile()).isEqualTo("envoy");
        assertThat(injected.iptables()).isEqualTo(Verification.Status.UNKNOWN);
        assertThat(injected.messages()).containsExactly("namespace label istio-injection=enabled matches");
        assertThat(tracker.states("shop", "web-2").get(0).messages()).last().isEqualTo(WITHOUT_SIDECAR);
        assertThat(tracker.states("plain", "app-1").get(0).messages()).singleElement().asString()
                .startsWith("namespace plain has no istio-injection=enabled label");

        create(PodFixtures.injected("shop", "web-3"));
        Poll.until("the created pod", () -> tracker.states("shop", "web-3").size() == 1);
        assertThat(tracker.states("shop", "web-3").get(0).injected()).isTrue();

        Pod running = client.pods().inNamespace("shop").withName("web-1").get();
        running.setStatus(new PodStatus());
        running.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("istio-proxy")
                .withReady(true).withRestartCount(2).withImage("docker.io/envoyproxy/envoy:v1.36.2").build()));
        client.pods().resource(running).updateStatus();
        Poll.until("the proxy's readiness", () -> tracker.states("shop", "web-1").get(0).proxy().ready());
        assertThat(tracker.states("shop", "web-1").get(0).proxy().restarts()).isEqualTo(2);

        client.pods().inNamespace("shop").withName("web-2").delete();
        Poll.until("the deleted pod gone", () -> tracker.states("shop", "web-2").isEmpty());
        assertThat(names(tracker.states(null, null))).containsExactly("plain/app-1", "shop/web-1", "shop/web-3");
        assertThat(tracker.counts()).containsExactly(Map.entry("injected", 2L), Map.entry("not_injected", 1L),
                Map.entry("invalid", 0L), Map.entry("missing", 0L), Map.entry("stale", 0L), Map.entry("proxy_bypass", 0L),
                Map.entry("held_by_proxy", 0L), Map.entry("iptables_mismatch", 0L), Map.entry("proxy_not_ready", 1L));
    }

    @Test
    void relabellingANamespaceRecomputesItsPods() {
        client.namespaces().resource(PodFixtures.namespace("shop", Map.of("team", "a"))).create();
        client.namespaces().resource(PodFixtures.namespace("other", Map.of())).create();
        create(PodFixtures.plain("shop", "web-1"));
        create(PodFixtures.plain("other", "app-1"));
        start();
        assertThat(tracker.states("shop", "web-1").get(0).messages()).singleElement().asString()
                .startsWith("namespace shop has no istio-injection=enabled label");

        client.namespaces().withName("shop").edit(ns -> {
            ns.getMetadata().getLabels().put("istio-injection", "enabled");
            return ns;
        });
        Poll.until("the pod's state under the new label", () ->
                tracker.states("shop", "web-1").get(0).messages().contains(WITHOUT_SIDECAR));
        assertThat(tracker.states("shop", "web-1").get(0).messages())
                .containsExactly("namespace label istio-injection=enabled matches", WITHOUT_SIDECAR);
        assertThat(tracker.states("other", "app-1").get(0).messages()).singleElement().asString()
                .startsWith("namespace other has no istio-injection=enabled label");

        client.namespaces().withName("shop").edit(ns -> {
            ns.getMetadata().getLabels().put("istio-injection", "disabled");
            return ns;
        });
        Poll.until("the pod's state under the disabled label", () -> tracker.states("shop", "web-1").get(0).messages()
                .equals(List.of("namespace label istio-injection=disabled")));
    }

    @Test
    void whenTheNamespaceSaysSinceWhenItIsEnabledAnUninjectedPodIsExplained() {
        Namespace shop = PodFixtures.enabled("shop");
        // the mock server stamps creationTimestamp with the time of creation
        shop.getMetadata().setAnnotations(new HashMap<>(Map.of(NamespaceInfo.ENABLED_AT_ANNOTATION, "2001-01-01T00:00:00Z")));
        client.namespaces().resource(shop).create();
        create(PodFixtures.plain("shop", "web-1"));
        start();

        assertThat(tracker.states("shop", "web-1").get(0).messages()).last().isEqualTo("created after injection was "
                + "enabled, but the API server skipped the webhook (the agent did not answer and failurePolicy is Ignore): restart it");

        shop = client.namespaces().withName("shop").get();
        shop.getMetadata().getAnnotations().put(NamespaceInfo.ENABLED_AT_ANNOTATION, "2999-01-01T00:00:00Z");
        client.namespaces().resource(shop).update();
        assertThat(client.namespaces().withName("shop").get().getMetadata().getAnnotations())
                .containsEntry(NamespaceInfo.ENABLED_AT_ANNOTATION, "2999-01-01T00:00:00Z");
        Poll.until("the pod's state under the later enabled-at", () -> tracker.states("shop", "web-1").get(0).messages()
                .contains("created before injection was enabled: restart it"));
    }

    @Test
    void aNamespaceReportedWithTheLabelsItsPodsWereComputedWithIsNotListedAgain() throws InterruptedException {
        client.namespaces().resource(PodFixtures.enabled("shop")).create();
        create(PodFixtures.plain("shop", "web-1"));
        start();
        while (server.takeRequest(0, TimeUnit.SECONDS) != null) {
            // forget the requests of the start
        }

        tracker.namespaceChanged("shop"); // as the namespace watch reports every namespace when it starts
        client.namespaces().withName("shop").edit(ns -> {
            ns.getMetadata().getLabels().put("istio-injection", "disabled");
            return ns;
        });
        Poll.until("the pod's state under the disabled label", () -> tracker.states("shop", "web-1").get(0).messages()
                .equals(List.of("namespace label istio-injection=disabled")));

        // the state may follow the namespace event before the list it triggers has been sent: wait for that list
        List<String> lists = new ArrayList<>();
        Poll.until("the pods of shop listed again", () -> {
            try {
                for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS); r != null;
                     r = server.takeRequest(0, TimeUnit.SECONDS)) {
                    if (r.getPath().startsWith("/api/v1/namespaces/shop/pods?")) {
                        lists.add(r.getPath());
                    }
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return !lists.isEmpty();
        });
        assertThat(lists).as("listed again for the new label only").hasSize(1);
    }

    @Test
    void aPodSeenBeforeItsNamespaceIsRecomputedWhenTheNamespaceArrives() {
        start();
        create(PodFixtures.plain("late", "web-1"));
        Poll.until("the pod", () -> tracker.states("late", "web-1").size() == 1);

        client.namespaces().resource(PodFixtures.enabled("late")).create();
        Poll.until("the pod's state under its namespace's label", () ->
                tracker.states("late", "web-1").get(0).messages().contains(WITHOUT_SIDECAR));
    }

    @Test
    void recomputeAllAppliesTheNewEngine() throws Exception {
        client.namespaces().resource(PodFixtures.enabled("shop")).create();
        create(PodFixtures.injected("shop", "web-1"));
        start();
        assertThat(tracker.states("shop", "web-1").get(0).stale()).isFalse();

        engine.set(bumpedEngine());
        tracker.recomputeAll();
        Poll.until("the pod stale under the new config", () -> tracker.states("shop", "web-1").get(0).stale());
        assertThat(tracker.states("shop", "web-1").get(0).messages())
                .contains("sidecar differs from what the current config injects: restart it");
        assertThat(tracker.counts()).containsEntry("stale", 1L);
    }

    @Test
    void aWatchEventComputedWithAnEngineReplacedSinceIsReadAgain() throws Exception {
        client.namespaces().resource(PodFixtures.enabled("shop")).create();
        InjectionEngine bumped = bumpedEngine();
        AtomicReference<Boolean> armed = new AtomicReference<>(false);
        // the watch thread gets the old engine, and the config changes before the tracker's thread stores the state
        Supplier<InjectionEngine> engines = () -> {
            InjectionEngine current = engine.get();
            if (armed.get() && !Thread.currentThread().getName().equals("pod-states")) {
                engine.set(bumped);
            }
            return current;
        };
        tracker = new PodStateTracker(client, engines, KubeVersion.of(1, 28), PodStateTracker.PAGE_SIZE, Duration.ofMillis(20)).start();
        Poll.until("the first list of pods", tracker::synced);

        armed.set(true);
        create(PodFixtures.injected("shop", "web-1"));
        Poll.until("the created pod", () -> tracker.states("shop", "web-1").size() == 1);
        assertThat(tracker.states("shop", "web-1").get(0).stale()).as("computed with the current engine").isTrue();
    }

    @Test
    void answersQueriesByNamespaceAndPodSortedAndRejectsAPodWithoutNamespace() {
        create(PodFixtures.plain("b-ns", "z"));
        create(PodFixtures.plain("b-ns", "a"));
        create(PodFixtures.plain("a-ns", "m"));
        start();

        assertThat(names(tracker.states(null, null))).containsExactly("a-ns/m", "b-ns/a", "b-ns/z");
        assertThat(names(tracker.states("b-ns", null))).containsExactly("b-ns/a", "b-ns/z");
        assertThat(names(tracker.states("b-ns", "z"))).containsExactly("b-ns/z");
        assertThat(tracker.states("b-ns", "nope")).isEmpty();
        assertThat(tracker.states("no-such-ns", null)).isEmpty();
        assertThatThrownBy(() -> tracker.states(null, "z")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give the namespace too");
    }

    @Test
    void notSyncedNorReadyBeforeStarting() {
        tracker = new PodStateTracker(client, engine::get, KubeVersion.of(1, 28));
        assertThat(tracker.synced()).isFalse();
        assertThat(tracker.readinessCheck().check().ready()).isFalse();
        assertThat(tracker.readinessCheck().check().detail()).isEqualTo("listing pods for the first time");
        tracker.start();
        Poll.until("synced", tracker::synced);
        assertThat(tracker.readinessCheck().check().ready()).isTrue();
        assertThat(tracker.readinessCheck().check().detail()).isEqualTo("tracking the sidecar state of 0 pods");
    }

    private void start() {
        tracker = new PodStateTracker(client, engine::get, KubeVersion.of(1, 28), PodStateTracker.PAGE_SIZE, Duration.ofMillis(20)).start();
        Poll.until("the first list of pods", tracker::synced);
    }

    private void create(Pod pod) {
        client.pods().resource(pod).create();
    }

    private static List<String> names(List<PodSidecarState> states) {
        return states.stream().map(s -> s.namespace() + "/" + s.name()).toList();
    }

    /** The default config with another proxy image: pods injected with the default are stale under it. */
    private static InjectionEngine bumpedEngine() throws Exception {
        return new InjectionEngine(ConfigLoader.parse("bumped", defaultConfigText()
                .replace("docker.io/envoyproxy/envoy:v1.36.2", "docker.io/envoyproxy/envoy:v1.36.3")));
    }

    private static String defaultConfigText() throws Exception {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
