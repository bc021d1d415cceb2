package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.MutableClock;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsContexts;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import dev.kubectlsidecar.agent.tls.TlsTestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * Agent replicas whose certificates rotate (their cluster side: {@link InClusterTls} against the mock API server)
 * behind TLS servers, and clients that behave like the API server — they trust exactly the caBundle of the webhook
 * configuration and verify the Service's host name — connecting to them without pause. Every failed handshake is
 * kept.
 * <p>
 * Certificate time is virtual: the replicas issue, renew and expire certificates on one {@link MutableClock}, and
 * the clients check validity at that clock's time. Only {@link #advanceUntil} moves it, in {@link #STEP}s, each
 * followed by a check of every replica's rotation; every {@link #STEPS_PER_CATCH_UP} steps it waits until each
 * replica serves the Secret's certificate and each client has read the caBundle again. So both sides lag, as in a
 * cluster, by up to that many steps of certificate time, less than the propagation time, however slow this machine.
 */
final class HandshakeLoad implements AutoCloseable {
    static final String HOST = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    static final Duration STEP = Duration.ofMillis(250);
    private static final int STEPS_PER_CATCH_UP = 2;
    private static final int CLIENTS = 4;
    private static final Duration CLIENT_LAG = Duration.ofMillis(100);
    private static final Duration RELOAD_LAG = Duration.ofMillis(50);

    private final KubernetesClient client;
    private final TlsLifetimes lifetimes;
    private final MutableClock time = new MutableClock(Instant.now());
    private final AtomicLongArray bundleReadAt = new AtomicLongArray(CLIENTS);
    final List<Replica> replicas = new CopyOnWriteArrayList<>();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final AtomicBoolean running = new AtomicBoolean(true);
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger handshakes = new AtomicInteger();
    final Set<X509Certificate> served = ConcurrentHashMap.newKeySet();
    final Set<Integer> bundleSizes = ConcurrentHashMap.newKeySet();

    HandshakeLoad(KubernetesClient client, TlsLifetimes lifetimes) {
        if (STEP.multipliedBy(STEPS_PER_CATCH_UP).compareTo(lifetimes.propagation()) >= 0) {
            throw new IllegalArgumentException("the lag of " + STEPS_PER_CATCH_UP + " steps must stay under the propagation time");
        }
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
        volatile X509Certificate serving;
        volatile boolean endpoint = true;

        private Replica(String name) {
            this.name = name;
            InClusterSettings settings = new InClusterSettings("kubectl-sidecar", "kubectl-sidecar-agent", WebhookFixtures.NAME, name);
            this.tls = new InClusterTls(client, settings, lifetimes, LeaderElectionTest.FAST, time, this::reload);
        }

        private void reload(ServingBundle bundle) {
            reloader.schedule(() -> {
                try {
                    if (server == null) {
                        server = new TlsTestServer(TlsContexts.server(bundle));
                    } else {
                        server.use(TlsContexts.server(bundle));
                    }
                    serving = Pem.parseCertificates(bundle.certChainPem(), "chain").get(0);
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

    /** Starts a replica on the shared certificate clock. */
    Replica start(String name) {
        Replica replica = new Replica(name);
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
            int index = i;
            clients.execute(() -> connectContinuously(index));
        }
    }

    /** What the TLS Secret holds now. */
    TlsMaterial stored() {
        return new CertificateStore(client, "kubectl-sidecar", InClusterSettings.TLS_SECRET).load().orElseThrow().material();
    }

    /** Moves certificate time on, step by step, until {@code done}; fails after {@code limit} of certificate time. */
    void advanceUntil(String what, Duration limit, BooleanSupplier done) {
        Instant deadline = time.instant().plus(limit);
        for (int steps = 1; !done.getAsBoolean(); steps++) {
            if (time.instant().isAfter(deadline)) {
                throw new AssertionError("not seen within " + limit + " of certificate time: " + what);
            }
            time.advance(STEP);
            for (Replica replica : replicas) {
                replica.tls.checkNow().handle((checked, failure) -> null).join(); // a failed step is retried by the next
            }
            if (steps % STEPS_PER_CATCH_UP == 0) {
                catchUp();
            }
        }
    }

    /** Waits until every replica serves the Secret's certificate and every client has read the caBundle since now. */
    private void catchUp() {
        long since = System.nanoTime();
        Poll.until("the replicas serving the stored certificate and the clients reading the caBundle again", () -> {
            X509Certificate current = stored().serving().certificate();
            boolean served = replicas.stream().filter(r -> r.endpoint).allMatch(r -> current.equals(r.serving));
            boolean read = true;
            for (int i = 0; i < CLIENTS; i++) {
                read &= bundleReadAt.get(i) - since > 0;
            }
            return served && (read || !running.get());
        });
    }

    void stopClients() {
        running.set(false);
    }

    long authorities() {
        return served.stream().map(X509Certificate::getIssuerX500Principal).distinct().count();
    }

    private void connectContinuously(int index) {
        int turn = 0;
        String bundle = null;
        long refreshed = 0;
        while (running.get()) {
            if (bundle == null || System.nanoTime() - refreshed > CLIENT_LAG.toNanos()) {
                long reading = System.nanoTime();
                bundle = WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0);
                refreshed = reading;
                bundleReadAt.set(index, reading);
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
                served.add(TlsContexts.handshake(TlsContexts.clientTrusting(bundle, time), server.port(), HOST));
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
    public void close() {
        running.set(false); // each client finishes the call it is in, then stops
        clients.shutdown();
        try {
            if (!clients.awaitTermination(20, TimeUnit.SECONDS)) {
                clients.shutdownNow();
            }
        } catch (InterruptedException e) {
            clients.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (Replica replica : replicas) {
            replica.close();
        }
    }
}
