package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import dev.kubectlsidecar.agent.tls.TlsTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agent replicas whose certificates rotate (their cluster side: {@link InClusterTls} against the mock API server)
 * behind TLS servers, and clients that behave like the API server — they trust exactly the caBundle of the webhook
 * configuration and verify the Service's host name — connecting to them without pause. Both sides lag, as in a
 * cluster, by less than the propagation time: a client refreshes its trust from the webhook configuration every
 * {@link #CLIENT_LAG}, a replica applies a new certificate {@link #RELOAD_LAG} after its watch delivered it. Every
 * failed handshake is kept.
 */
final class HandshakeLoad implements AutoCloseable {
    static final String HOST = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final int CLIENTS = 4;
    private static final Duration CLIENT_LAG = Duration.ofMillis(500);
    private static final Duration RELOAD_LAG = Duration.ofMillis(300);

    private final KubernetesClient client;
    private final TlsLifetimes lifetimes;
    final List<Replica> replicas = new CopyOnWriteArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final AtomicBoolean running = new AtomicBoolean(true);
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger handshakes = new AtomicInteger();
    final Set<X509Certificate> served = ConcurrentHashMap.newKeySet();
    final Set<Integer> bundleSizes = ConcurrentHashMap.newKeySet();

    HandshakeLoad(KubernetesClient client, TlsLifetimes lifetimes) {
        this.client = client;
        this.lifetimes = lifetimes;
    }

    /** One agent pod: its cluster side and a TLS server that swaps its certificate on every new bundle. */
    final class Replica implements AutoCloseable {
        final String name;
        final InClusterTls tls;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger reloads = new AtomicInteger();
        private final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor();
        volatile TlsTestServer server;
        volatile boolean endpoint = true;

        private Replica(String name, Clock clock) {
            this.name = name;
            InClusterSettings settings = new InClusterSettings("kubectl-sidecar", "kubectl-sidecar-agent", WebhookFixtures.NAME, name);
            this.tls = new InClusterTls(client, settings, lifetimes, LeaderElectionTest.FAST, clock, this::reload);
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

        /** Leaves as a terminating pod does: out of the Service's endpoints, its connections finished, then stopped. */
        void leave() {
            endpoint = false;
            Poll.until("connections to " + name + " to finish", () -> inFlight.get() == 0);
            close();
        }

        @Override
        public void close() {
            tls.close();
            reloader.shutdownNow();
            if (server != null) {
                try {
                    server.close();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Starts a replica whose certificate work runs on {@code clock}. */
    Replica start(String name, Clock clock) {
        Replica replica = new Replica(name, clock);
        replicas.add(replica);
        replica.tls.start();
        return replica;
    }

    /** Starts {@link #CLIENTS} clients once every replica serves and the caBundle is published. */
    void startClients() {
        Poll.until("every replica serving and the caBundle published", () ->
                replicas.stream().allMatch(r -> r.server != null)
                        && !WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0).isEmpty());
        for (int i = 0; i < CLIENTS; i++) {
            clients.execute(this::connectContinuously);
        }
    }

    void stopClients() {
        running.set(false);
    }

    long authorities() {
        return served.stream().map(X509Certificate::getIssuerX500Principal).distinct().count();
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
            List<Replica> current = List.copyOf(replicas);
            Replica replica = current.get(turn++ % current.size());
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

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        for (Replica replica : replicas) {
            replica.close();
        }
    }
}
