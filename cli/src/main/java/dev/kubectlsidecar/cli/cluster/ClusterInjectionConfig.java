package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.Messages;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Collections;
import java.util.SortedSet;
import java.util.function.Consumer;

/** The injection config the cluster's agent uses: its ConfigMap when there is one, else the embedded default. */
final class ClusterInjectionConfig {
    static final String KEY = "config.yaml";

    private ClusterInjectionConfig() {
    }

    static InjectionConfig load(KubernetesClient client) {
        ConfigMap map = client.configMaps().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.CONFIG_MAP).get();
        InjectionConfig config = map == null || map.getData() == null || !map.getData().containsKey(KEY)
                ? ConfigLoader.embeddedDefault()
                : ConfigLoader.parse("configmap " + AgentNames.NAMESPACE + "/" + AgentNames.CONFIG_MAP, map.getData().get(KEY));
        return config.ignoring(AgentNames.NAMESPACE);
    }

    /**
     * The revisions the config names, for commands that only need them to know which {@code istio.io/rev} labels are
     * ours ({@code disable}, {@code uninstall}): a ConfigMap that does not parse (the agent keeps serving its last good
     * config meanwhile) or cannot be read (forbidden) must not stop them, so they get none, and {@code warning} says so.
     */
    static SortedSet<String> revisions(KubernetesClient client, Consumer<String> warning) {
        try {
            return WebhookSelection.revisions(load(client));
        } catch (InvalidConfigException | KubernetesClientException e) {
            warning.accept("the injection config could not be read (" + Messages.firstLine(e.getMessage()) + "): istio.io/rev labels are "
                    + "left as they are");
            return Collections.emptySortedSet();
        }
    }
}
