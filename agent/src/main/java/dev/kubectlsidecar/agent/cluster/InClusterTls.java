package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.RotationPolicy;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The agent's certificates in a cluster, wired: every replica reloads the serving certificate from the TLS Secret
 * ({@link ServingBundleWatcher} → {@code onBundle}); the replica holding the Lease ({@link LeaderElection}) runs a
 * {@link CertificateRotation} with its {@link CaBundleKeeper} for as long as it leads, and has it look again whenever
 * the Secret changes.
 */
public final class InClusterTls implements ServingTls {
    private final KubernetesClient client;
    private final InClusterSettings settings;
    private final RotationPolicy policy;
    private final Clock clock;
    private final ServingBundleWatcher watcher;
    private final LeaderElection election;
    private CertificateRotation rotation;

    public InClusterTls(KubernetesClient client, InClusterSettings settings, TlsLifetimes lifetimes,
                        LeaderElection.Timing timing, Clock clock, Consumer<ServingBundle> onBundle) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.policy = new RotationPolicy(new CertificateIssuer(clock), lifetimes, settings.dnsNames(), clock);
        this.watcher = new ServingBundleWatcher(client, settings.namespace(), InClusterSettings.TLS_SECRET, clock, onBundle,
                this::checkNow);
        this.election = new LeaderElection(client, settings.namespace(), InClusterSettings.LEASE, settings.podName(), timing,
                this::startRotation, this::stopRotation);
    }

    /** Defaults: a one-year CA, 90-day serving certificates, client-go's Lease timing, the system clock. */
    public InClusterTls(KubernetesClient client, InClusterSettings settings, Consumer<ServingBundle> onBundle) {
        this(client, settings, TlsLifetimes.defaults(), LeaderElection.Timing.defaults(), Clock.systemUTC(), onBundle);
    }

    @Override
    public void start() {
        watcher.start();
        election.start();
    }

    @Override
    public String whenMissing() {
        return "no replica could create it (check RBAC and the Lease)";
    }

    public boolean isLeader() {
        return election.isLeader();
    }

    private synchronized void startRotation() {
        stopRotation();
        CertificateStore store = new CertificateStore(client, settings.namespace(), InClusterSettings.TLS_SECRET);
        CaBundleKeeper keeper = new CaBundleKeeper(client, settings.webhookConfigurationName(), clock);
        rotation = new CertificateRotation(store, keeper, policy, clock);
        rotation.start();
    }

    /**
     * The leader looks at the Secret at once, not at its next step: someone (maybe this leader) wrote or deleted it,
     * or (in tests) the clock moved. Completes when that look is done; at once on a replica that does not lead.
     */
    synchronized CompletableFuture<Void> checkNow() {
        return rotation == null ? CompletableFuture.completedFuture(null) : rotation.checkNow();
    }

    private synchronized void stopRotation() {
        if (rotation != null) {
            rotation.close();
            rotation = null;
        }
    }

    @Override
    public void close() {
        election.close();
        stopRotation();
        watcher.close();
    }
}
