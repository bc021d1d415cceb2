package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.KubeVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;

/**
 * What offline commands take from a reachable cluster so that manual injection gives what the webhook gives:
 * the agent's injection config (its ConfigMap) and the server's version (native sidecars or not).
 */
public record ClusterDefaults(InjectionConfig config, KubeVersion kubeVersion) {

    /** @throws RuntimeException when the cluster cannot be reached or read (the caller falls back and says so) */
    public static ClusterDefaults read(Path kubeconfig, String context) {
        KubeOptions options = KubeOptions.of(kubeconfig, context, java.time.Duration.ofSeconds(5));
        try (KubernetesClient client = options.client()) {
            InjectionConfig config = ClusterInjectionConfig.load(client);
            return new ClusterDefaults(config, ServerVersion.of(client));
        } catch (KubernetesClientException e) {
            throw ClusterCommand.explain(e, options);
        }
    }
}
