package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.GenericKinds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hands the injection configuration text from the ConfigMap ({@code kubectl-sidecar-config}, key {@code config.yaml})
 * to {@code onConfig} whenever it changes, and once at start. {@code null} means "no ConfigMap: use the embedded
 * default". A ConfigMap without the key is a mistake, not a reset: it is logged and the last text stays in force.
 * The consumer validates; this class only transports text.
 */
public final class ConfigMapWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigMapWatcher.class.getName());

    private final String key;
    private final String description;
    private final Consumer<String> onConfig;
    private final NamedObjectWatch<GenericKubernetesResource> watch;
    private boolean delivered;
    private String last;

    public ConfigMapWatcher(KubernetesClient client, String namespace, String name, String key, Consumer<String> onConfig) {
        this.key = key;
        this.description = "ConfigMap " + namespace + "/" + name;
        this.onConfig = onConfig;
        this.watch = new NamedObjectWatch<>(client.genericKubernetesResources(GenericKinds.CONFIG_MAPS).inNamespace(namespace)
                .withName(name), name, description, this::changed);
    }

    public void start() {
        watch.start();
    }

    private void changed(Optional<GenericKubernetesResource> configMap) {
        String text = null;
        if (configMap.isPresent()) {
            text = configMap.get().getAdditionalProperties().get("data") instanceof Map<?, ?> data
                    && data.get(key) instanceof String value ? value : null;
            if (text == null) {
                LOG.warning(description + " has no key '" + key + "'; keeping the current configuration");
                return;
            }
        }
        if (delivered && Objects.equals(text, last)) {
            return;
        }
        delivered = true;
        last = text;
        onConfig.accept(text);
    }

    @Override
    public void close() {
        watch.close();
    }
}
