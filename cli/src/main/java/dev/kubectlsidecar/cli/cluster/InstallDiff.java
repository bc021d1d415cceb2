package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.ManifestDiff;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.ManifestFormat;
import dev.kubectlsidecar.injector.manifest.ManifestWriter;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code install} would change on a cluster, as {@code kubectl diff} shows it: per object, a unified diff of the
 * cluster's object against the manifest, in YAML. Of the cluster's object only the fields the manifest sets are
 * compared ({@link Desired#project}): what the API server adds is not a change; an object that is not there is all
 * additions.
 */
final class InstallDiff {
    private InstallDiff() {
    }

    /** The diffs, one object after another; "" when the cluster already holds every manifest. */
    static String of(KubernetesClient client, List<ObjectNode> desired) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode resource : desired) {
            HasMetadata live = client.resource(Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(resource), HasMetadata.class)).get();
            if (live instanceof Namespace && !AgentNames.createdByInstall(live)) {
                continue; // the user's namespace: install keeps it as it is
            }
            String before = live == null ? "" : yaml(Desired.project(resource, JsonMappers.JSON.readTree(Serialization.asJson(live))));
            String name = AgentManifests.describe(resource);
            String diff = ManifestDiff.unified(live == null ? "/dev/null" : "live/" + name, "install/" + name, before, yaml(resource));
            // what the cluster holds is printed: each line escaped (the YAML writer leaves bidi overrides as they are)
            diff.lines().forEach(line -> out.append(PrintedText.escape(line)).append('\n'));
        }
        return out.toString();
    }

    private static String yaml(JsonNode resource) {
        return ManifestWriter.write(List.of(resource), ManifestFormat.YAML);
    }
}
