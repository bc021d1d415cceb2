package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.ServingBundle;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The serving certificate cert-manager issues: every replica watches the Secret the agent's Certificate names and
 * reloads what cert-manager writes there (a renewal included). No Lease, no writes: cert-manager owns the Secret and
 * its CA injector the webhook's caBundle.
 */
public final class CertManagerTls implements ServingTls {
    private final InClusterSettings settings;
    private final ServingBundleWatcher watcher;

    public CertManagerTls(KubernetesClient client, InClusterSettings settings, Clock clock, Consumer<ServingBundle> onBundle) {
        this.settings = settings;
        this.watcher = new ServingBundleWatcher(client, settings.namespace(), InClusterSettings.CERT_MANAGER_TLS_SECRET, clock,
                secret -> CertManagerSecret.decode(secret, settings.dnsNames().get(0)), onBundle, () -> { });
    }

    @Override
    public void start() {
        watcher.start();
    }

    @Override
    public String whenMissing() {
        return "cert-manager has not issued it: kubectl -n " + settings.namespace() + " describe certificate "
                + InClusterSettings.CERTIFICATE;
    }

    @Override
    public void close() {
        watcher.close();
    }
}
