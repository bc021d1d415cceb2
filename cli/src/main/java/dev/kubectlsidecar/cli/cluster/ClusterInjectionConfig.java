package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;

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
}
