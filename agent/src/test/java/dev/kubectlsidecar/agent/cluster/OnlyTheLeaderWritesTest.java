package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas share the work: both reload every certificate, only the Lease holder writes the Secret and caBundle. */
@EnableKubernetesMockClient(crud = true)
class OnlyTheLeaderWritesTest {
    static {
        Poll.quietMockServer();
    }

    private static final TlsLifetimes SHORT = new TlsLifetimes(Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofMillis(500));

    KubernetesClient client;
    KubernetesMockServer server;

    private final Map<String, InClusterTls> replicas = new ConcurrentHashMap<>();
    private final Map<String, List<ServingBundle>> reloads = new ConcurrentHashMap<>();
    private final List<KubernetesClient> clients = new ArrayList<>();
    private int taken;

    @AfterEach
    void stop() {
        replicas.values().forEach(InClusterTls::close);
        clients.forEach(KubernetesClient::close);
    }

    @Test
    void onlyTheLeaderWritesAndTheOtherReplicaTakesOverTheWriting() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        takeRecorded(); // the test's own requests
        start("replica-a");
        start("replica-b");
        String leader = Poll.value("a leader", () -> replicas.entrySet().stream()
                .filter(e -> e.getValue().isLeader()).map(Map.Entry::getKey).findFirst().orElse(null));
        String follower = leader.equals("replica-a") ? "replica-b" : "replica-a";
        Poll.until("a renewal reaching both replicas", () -> reloads.get(leader).size() >= 2 && reloads.get(follower).size() >= 2);
        assertThat(reloads.get(follower).get(1)).isEqualTo(reloads.get(leader).get(1));

        assertThat(writers(takeRecorded())).as("writers of the Secret and the webhook configuration").containsExactly(leader);

        replicas.remove(leader).close();
        int seen = reloads.get(follower).size();
        Poll.until("the other replica to lead and renew", () -> replicas.get(follower).isLeader()
                && reloads.get(follower).size() > seen);
        assertThat(writers(takeRecorded())).containsExactly(follower);
    }

    private void start(String name) {
        KubernetesClient replicaClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(name).build()).build();
        clients.add(replicaClient);
        List<ServingBundle> received = new CopyOnWriteArrayList<>();
        reloads.put(name, received);
        InClusterSettings settings = new InClusterSettings("kubectl-sidecar", InClusterSettings.DEFAULT_SERVICE,
                WebhookFixtures.NAME, name);
        InClusterTls tls = new InClusterTls(replicaClient, settings, SHORT, LeaderElectionTest.FAST, Clock.systemUTC(), received::add);
        replicas.put(name, tls);
        tls.start();
    }

    /** The user agents that created, replaced or patched the TLS Secret or the webhook configuration. */
    private static Set<String> writers(List<RecordedRequest> requests) {
        Set<String> writers = new TreeSet<>();
        for (RecordedRequest request : requests) {
            boolean write = List.of("POST", "PUT", "PATCH").contains(request.getMethod());
            boolean owned = request.getPath().contains("/secrets") || request.getPath().contains("/mutatingwebhookconfigurations");
            if (write && owned) {
                writers.add(request.getHeader("User-Agent"));
            }
        }
        return writers;
    }

    /** The requests recorded since the last call. */
    private List<RecordedRequest> takeRecorded() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        int available = server.getRequestCount() - taken;
        for (int i = 0; i < available; i++) {
            RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
            if (request == null) {
                break;
            }
            requests.add(request);
            taken++;
        }
        return requests;
    }
}
