package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.VersionProvider;
import dev.kubectlsidecar.injector.JsonMappers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubectl sidecar version}: the plugin's version and, when a cluster is reachable, the agent's. */
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
        try {
            String body = client.raw("/api/v1/namespaces/" + AgentNames.NAMESPACE + "/services/https:" + AgentNames.SERVICE
                    + ":443/proxy/version");
            String version = body == null ? null : JsonMappers.JSON.readTree(body).path("version").asString(null);
            out().println("Agent: " + (version != null ? version : notAnswering(client)));
        } catch (KubernetesClientException | tools.jackson.core.JacksonException e) {
            out().println("Agent: " + notAnswering(client));
        }
        return 0;
    }

    private static String notAnswering(KubernetesClient client) {
        return client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get() == null
                ? "not installed (kubectl sidecar install)"
                : "installed, not answering (kubectl sidecar verify)";
    }
}
