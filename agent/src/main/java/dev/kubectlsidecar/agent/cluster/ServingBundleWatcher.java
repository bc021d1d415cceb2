package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.ServingBundle;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Every replica's reload path: watches the TLS Secret and hands each new {@link ServingBundle} to {@code onBundle}
 * (the server swaps its SSL options). An absent or unusable Secret hands nothing: the server keeps what it serves
 * until the leader writes a good one.
 */
public final class ServingBundleWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServingBundleWatcher.class.getName());

    private final String description;
    private final Consumer<ServingBundle> onBundle;
    private final NamedObjectWatch<Secret> watch;
    private ServingBundle last;

    public ServingBundleWatcher(KubernetesClient client, String namespace, String secretName, Consumer<ServingBundle> onBundle) {
        this.description = "Secret " + namespace + "/" + secretName;
        this.onBundle = onBundle;
        this.watch = new NamedObjectWatch<>(client.secrets().inNamespace(namespace).withName(secretName), secretName,
                description, this::changed);
    }

    public void start() {
        watch.start();
    }

    private void changed(Optional<Secret> secret) {
        if (secret.isEmpty()) {
            return;
        }
        CertificateStore.Stored stored = CertificateStore.read(secret.get());
        if (stored.material() == null) {
            LOG.warning(description + " is unusable (" + stored.problem() + "); serving the previous certificate");
            return;
        }
        ServingBundle bundle = stored.material().servingBundle();
        if (bundle.equals(last)) {
            return;
        }
        last = bundle;
        onBundle.accept(bundle);
    }

    @Override
    public void close() {
        watch.close();
    }
}
