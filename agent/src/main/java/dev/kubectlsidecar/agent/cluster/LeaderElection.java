package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Leader election over the {@code coordination.k8s.io/v1} Lease {@code kubectl-sidecar-agent} with fabric8's
 * {@link LeaderElector}. One fabric8 elector runs one term (it ends when leadership is lost); this class starts a new
 * one after each term until {@link #close}, which releases the lease so another replica takes over at once.
 *
 * <p>{@code onStartLeading} and {@code onStopLeading} alternate strictly, starting with a start; they run on the
 * election thread and must not block.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class.getName());

    /** The Lease's timing, as in client-go: the leader renews within {@code renewDeadline} or gives up. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public Timing {
            if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("leader election needs retryPeriod < renewDeadline < leaseDuration");
            }
        }

        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onStartLeading;
    private final Runnable onStopLeading;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final ExecutorService executor;
    private boolean closed;
    private CompletableFuture<?> term;

    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                          Runnable onStartLeading, Runnable onStopLeading) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onStartLeading = onStartLeading;
        this.onStopLeading = onStopLeading;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "leader-election-" + identity);
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized void start() {
        if (term == null && !closed) {
            startTerm();
        }
    }

    public boolean isLeader() {
        return leading.get();
    }

    private synchronized void startTerm() {
        if (closed) {
            return;
        }
        LeaderElectionConfig config = new LeaderElectionConfig(new LeaseLock(namespace, leaseName, identity),
                timing.leaseDuration(), timing.renewDeadline(), timing.retryPeriod(),
                new LeaderCallbacks(this::started, this::stopped, this::newLeader), true, leaseName);
        term = new LeaderElector(client, config, executor).start();
        term.whenComplete((ignored, error) -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            if (error != null) {
                LOG.warning("leader election term ended: " + error);
            }
            CompletableFuture.delayedExecutor(timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS, executor)
                    .execute(this::startTerm);
        });
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.info(identity + " leads (Lease " + namespace + "/" + leaseName + ")");
            onStartLeading.run();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.info(identity + " no longer leads");
            onStopLeading.run();
        }
    }

    private void newLeader(String leader) {
        LOG.fine(() -> "leader of " + leaseName + ": " + leader);
    }

    /** Stops campaigning; a leader releases the Lease (and gets {@code onStopLeading}). */
    @Override
    public void close() {
        CompletableFuture<?> current;
        synchronized (this) {
            closed = true;
            current = term;
        }
        if (current != null) {
            current.cancel(true);
        }
        stopped();
        executor.shutdown();
    }
}
