package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

/** {@code kubectl sidecar uninstall}: deletes what install created, webhook configuration first, and only that. */
@Command(name = "uninstall", sortOptions = false,
        description = "Remove the agent: its webhook configuration first (so pod creation never depends on a missing agent), then the rest.",
        footer = {"", "The agent always lives in namespace " + AgentNames.NAMESPACE + ": -n may only name it.",
                "Namespaces keep their istio-injection (or istio.io/rev) label and running pods keep their sidecars until recreated."})
public final class UninstallCommand extends ClusterCommand {

    @Override
    protected Integer withoutCluster() {
        refuseOtherNamespace();
        return null;
    }

    @Override
    protected int run(KubernetesClient client) {
        SortedSet<String> revisions = ClusterInjectionConfig.revisions(client, warning -> err().println("warning: " + PrintedText.escape(warning))); // gone with the namespace
        InstalledAgent installed = InstalledAgent.read(client);
        CertManagerIssuer issuer = installed.settings().certManager();
        List<ObjectNode> resources = new ArrayList<>(AgentManifests.render(AgentSettings.DEFAULTS.withCertManager(issuer)));
        Collections.reverse(resources);
        if (issuer != null || installed.certManagerMode()) {
            // cert-manager leaves the Secret of a deleted Certificate behind, with the agent's private key: it goes
            // right after the Certificate (before, cert-manager would write it again)
            int certificate = kindAt(resources, "Certificate");
            resources.add((certificate >= 0 ? certificate : kindAt(resources, "Deployment")) + 1, certificateSecret());
        }
        for (ObjectNode resource : resources) {
            HasMetadata object = Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(resource), HasMetadata.class);
            HasMetadata existing = client.resource(object).get();
            if (existing == null) {
                out().println(AgentManifests.describe(resource) + " not found");
            } else if (existing instanceof Namespace && !AgentNames.createdByInstall(existing)) {
                out().println(AgentManifests.describe(resource) + " kept (not created by kubectl sidecar install)");
            } else {
                client.resource(existing).delete();
                out().println(AgentManifests.describe(resource) + " deleted");
            }
        }
        List<String> labelled = AgentWebhooks.enabledNamespaces(client, revisions).stream().map(ns -> ns.getMetadata().getName()).toList();
        if (!labelled.isEmpty()) {
            out().println();
            out().println("These namespaces still have " + (revisions.isEmpty() ? "istio-injection=enabled" : "istio.io/rev="
                    + String.join("|", revisions)) + " (kubectl sidecar disable to remove it): " + String.join(", ", labelled));
        }
        return 0;
    }

    private static int kindAt(List<ObjectNode> resources, String kind) {
        for (int i = 0; i < resources.size(); i++) {
            if (kind.equals(resources.get(i).path("kind").asString())) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode certificateSecret() {
        ObjectNode secret = Json.object().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", AgentNames.CERT_MANAGER_TLS_SECRET).put("namespace", AgentNames.NAMESPACE);
        return secret;
    }
}
