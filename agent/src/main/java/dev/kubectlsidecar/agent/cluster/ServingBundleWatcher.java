package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.GenericKinds;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Every replica's reload path: watches the TLS Secret and hands each new {@link ServingBundle} to {@code onBundle}
 * (the server swaps its SSL options). An absent or unusable Secret, or one whose serving certificate has expired
 * (restored from an old backup, or left behind by an agent that was down for months), hands nothing: the server
 * keeps what it serves until the leader (or cert-manager) writes a good one. {@code onChange} hears of every new version of the
 * Secret, usable or not, deleted too, so the leader can act on it at once.
 */
public final class ServingBundleWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServingBundleWatcher.class.getName());

    private final String description;
    private final Clock clock;
    private final Consumer<ServingBundle> onBundle;
    private final Runnable onChange;
    private final Function<GenericKubernetesResource, ServingBundle> decode;
    private final NamedObjectWatch<GenericKubernetesResource> watch;
    private ServingBundle last;
    private String lastVersion;

    public ServingBundleWatcher(KubernetesClient client, String namespace, String secretName, Consumer<ServingBundle> onBundle) {
        this(client, namespace, secretName, Clock.systemUTC(), onBundle, () -> { });
    }

    public ServingBundleWatcher(KubernetesClient client, String namespace, String secretName, Clock clock,
                                Consumer<ServingBundle> onBundle, Runnable onChange) {
        this(client, namespace, secretName, clock, secret -> TlsSecret.decode(secret).servingBundle(), onBundle, onChange);
    }

    /**
     * @param decode the bundle in the Secret as its writer lays it out; {@link IllegalArgumentException} saying why
     *               when it is unusable
     */
    public ServingBundleWatcher(KubernetesClient client, String namespace, String secretName, Clock clock,
                                Function<GenericKubernetesResource, ServingBundle> decode, Consumer<ServingBundle> onBundle,
                                Runnable onChange) {
        this.decode = decode;
        this.description = "Secret " + namespace + "/" + secretName;
        this.clock = clock;
        this.onBundle = onBundle;
        this.onChange = onChange;
        this.watch = new NamedObjectWatch<>(client.genericKubernetesResources(GenericKinds.SECRETS).inNamespace(namespace)
                .withName(secretName), secretName,
                description, this::changed);
    }

    public void start() {
        watch.start();
    }

    private void changed(Optional<GenericKubernetesResource> secret) {
        String version = secret.map(s -> s.getMetadata().getResourceVersion()).orElse(null);
        if (!Objects.equals(version, lastVersion)) {
            lastVersion = version;
            onChange.run();
        }
        if (secret.isEmpty()) {
            return;
        }
        ServingBundle bundle;
        try {
            bundle = decode.apply(secret.get());
        } catch (IllegalArgumentException e) {
            LOG.warning(description + " is unusable (" + e.getMessage() + "); serving the previous certificate");
            return;
        }
        if (bundle.equals(last)) {
            return;
        }
        if (!clock.instant().isBefore(bundle.notAfter())) {
            LOG.warning(description + " holds a serving certificate that expired at " + bundle.notAfter()
                    + "; serving the previous certificate until the leader replaces it");
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
