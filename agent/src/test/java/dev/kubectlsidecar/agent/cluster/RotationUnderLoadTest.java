package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import dev.kubectlsidecar.agent.tls.TlsTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two agent replicas rotate certificates with lifetimes of seconds while clients that behave like the API server
 * (trust exactly the caBundle of the webhook configuration, verify the Service's host name) connect to them without
 * pause. Both sides lag, as in a cluster, by less than the propagation time: a client refreshes its trust from the
 * webhook configuration every {@link #CLIENT_LAG}, a replica applies a new certificate {@link #RELOAD_LAG} after its
 * watch delivered it. Half-way the leader goes away and the other replica carries on. No handshake may fail.
 */
@EnableKubernetesMockClient(crud = true)
class RotationUnderLoadTest {
    static {
        Poll.quietMockServer();
    }

    private static final TlsLifetimes SHORT = new TlsLifetimes(Duration.ofSeconds(15), Duration.ofSeconds(6), Duration.ofSeconds(1));
    private static final String HOST = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final int CLIENTS = 4;
    private static final Duration CLIENT_LAG = Duration.ofMillis(500);
    private static final Duration RELOAD_LAG = Duration.ofMillis(300);

    KubernetesClient client;

    private final List<Replica> replicas = new ArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final Set<X509Certificate> served = ConcurrentHashMap.newKeySet();
    private final Set<Integer> bundleSizes = ConcurrentHashMap.newKeySet();

    /** One agent pod: its cluster side and a TLS server that swaps its certificate on every new bundle. */
    private final class Replica implements AutoCloseable {
        final String name;
        final InClusterTls tls;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger reloads = new AtomicInteger();
        final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor();
        volatile TlsTestServer server;
        volatile boolean endpoint = true;

        Replica(String name) {
            this.name = name;
            InClusterSettings settings = new InClusterSettings("kubectl-sidecar", "kubectl-sidecar-agent", WebhookFixtures.NAME, name);
            this.tls = new InClusterTls(client, settings, SHORT, LeaderElectionTest.FAST, Clock.systemUTC(), this::reload);
        }

        private void reload(ServingBundle bundle) {
            reloader.schedule(() -> {
                try {
                    if (server == null) {
                        server = new TlsTestServer(TlsContexts.server(bundle));
                    } else {
                        server.use(TlsContexts.server(bundle));
                    }
                    reloads.incrementAndGet();
                } catch (Exception e) {
                    failures.add(name + " could not load its bundle: " + e);
                }
            }, server == null ? 0 : RELOAD_LAG.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            tls.close();
            reloader.shutdownNow();
            if (server != null) {
                server.close();
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        for (Replica replica : replicas) {
            replica.close();
        }
    }

    @Test
    void clientsTrustingOnlyThePublishedBundleNeverFailWhileCertificatesRotateAndLeadershipMoves() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        replicas.add(new Replica("agent-a"));
        replicas.add(new Replica("agent-b"));
        replicas.forEach(r -> r.tls.start());
        Poll.until("both replicas serving and the caBundle published", () ->
                replicas.stream().allMatch(r -> r.server != null)
                        && !WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0).isEmpty());
        for (int i = 0; i < CLIENTS; i++) {
            clients.execute(this::connectContinuously);
        }

        Poll.sleep(5_000); // a serving renewal happens in here
        Replica leader = Poll.value("a leader", () -> replicas.stream().filter(r -> r.tls.isLeader()).findFirst().orElse(null));
        Replica survivor = replicas.get(0) == leader ? replicas.get(1) : replicas.get(0);
        leader.endpoint = false; // out of the Service's endpoints first, as for a terminating pod
        Poll.until("connections to the leaving replica to finish", () -> leader.inFlight.get() == 0);
        closeQuietly(leader);
        Poll.until("the other replica to lead", survivor.tls::isLeader);

        Poll.sleep(10_000); // the CA is replaced in here (at 2/3 of 15 s), plus more serving renewals
        running.set(false);

        long cas = served.stream().map(X509Certificate::getIssuerX500Principal).distinct().count();
        System.out.printf("rotation under load: %d handshakes, %d serving certificates from %d CAs, %d failures%n",
                handshakes.get(), served.size(), cas, failures.size());
        assertThat(failures).isEmpty();
        assertThat(handshakes.get()).isGreaterThan(100);
        assertThat(cas).as("CAs seen").isGreaterThanOrEqualTo(2);
        assertThat(served).as("serving certificates seen").hasSizeGreaterThanOrEqualTo(4);
        assertThat(bundleSizes).as("bundle sizes seen").contains(1, 2);
        assertThat(survivor.reloads.get()).isGreaterThanOrEqualTo(4);
    }

    private void connectContinuously() {
        int turn = 0;
        String bundle = null;
        long refreshed = 0;
        while (running.get()) {
            if (bundle == null || System.nanoTime() - refreshed > CLIENT_LAG.toNanos()) {
                bundle = WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0);
                refreshed = System.nanoTime();
                bundleSizes.add(Pem.parseCertificates(bundle, "caBundle").size());
            }
            Replica replica = replicas.get(turn++ % replicas.size());
            TlsTestServer server = replica.server;
            if (!replica.endpoint || server == null) {
                continue;
            }
            replica.inFlight.incrementAndGet();
            try {
                if (!replica.endpoint) {
                    continue;
                }
                served.add(TlsContexts.handshake(TlsContexts.clientTrusting(bundle), server.port(), HOST));
                handshakes.incrementAndGet();
            } catch (Exception e) {
                if (running.get()) {
                    failures.add(replica.name + ": " + e);
                }
            } finally {
                replica.inFlight.decrementAndGet();
            }
        }
    }

    private static void closeQuietly(Replica replica) {
        try {
            replica.close();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

}
