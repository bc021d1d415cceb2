package dev.kubectlsidecar.injector.manifest;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes documents afresh (when the output's format is not the input's) as multi-document YAML, or as
 * {@link KubectlJson}: one object, or a {@code v1 List} for several.
 */
public final class ManifestWriter {
    private ManifestWriter() {
    }

    public static String write(List<JsonNode> documents, ManifestFormat format) {
        return format == ManifestFormat.JSON ? json(documents) : yaml(documents);
    }

    private static String yaml(List<JsonNode> documents) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) {
                out.append("---\n");
            }
            out.append(JsonText.writeYaml(documents.get(i)));
        }
        return out.toString();
    }

    private static String json(List<JsonNode> documents) {
        JsonNode value;
        if (documents.size() == 1) {
            value = documents.get(0);
        } else {
            ObjectNode list = Json.object().put("apiVersion", "v1").put("kind", "List");
            documents.forEach(list.putArray("items")::add);
            list.putObject("metadata");
            value = list;
        }
        return KubectlJson.write(value);
    }
}
