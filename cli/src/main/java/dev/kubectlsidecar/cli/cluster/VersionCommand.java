package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.VersionProvider;
import dev.kubectlsidecar.injector.ConfigDigest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubectl sidecar version}: the plugin's version and, when a cluster is reachable, the agent's with the digest
 * of the injection config it serves.
 */
@Command(name = "version", description = "Print the plugin's version and, when the cluster is reachable, the agent's.",
        footer = {"", "Without a kubeconfig it prints the plugin's version only, with a note, and exits 0."})
public final class VersionCommand extends ClusterCommand {
    @Option(names = "--client", description = "Only the plugin's version; do not contact the cluster.")
    boolean clientOnly;

    @Override
    protected Integer withoutCluster() {
        out().println("Client: " + VersionProvider.version());
        if (clientOnly) {
            return 0;
        }
        if (!kube.kubeconfigFound()) {
            out().flush();
            err().println("note: no kubeconfig found (pass --kubeconfig FILE or set $KUBECONFIG): "
                    + "the agent's version needs a cluster");
            return 0;
        }
        return null;
    }

    @Override
    protected int run(KubernetesClient client) {
        Optional<AgentVersion> agent = AgentVersion.fetch(client);
        if (agent.isEmpty()) {
            out().println("Agent: " + notAnswering(client));
            return 0;
        }
        String digest = agent.get().configDigest();
        out().println("Agent: " + agent.get().version() + (digest == null ? "" : " (config " + digest + configState(client, digest) + ")"));
        return 0;
    }

    /** Whether the agent serves the config the cluster holds now (it reloads a changed ConfigMap within seconds). */
    private static String configState(KubernetesClient client, String digest) {
        String cluster = ConfigDigest.of(ClusterInjectionConfig.load(client));
        return digest.equals(cluster) ? "" : ", not yet the ConfigMap's " + cluster;
    }

    private static String notAnswering(KubernetesClient client) {
        return client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get() == null
                ? "not installed (kubectl sidecar install)"
                : "installed, not answering (kubectl sidecar verify)";
    }
}
