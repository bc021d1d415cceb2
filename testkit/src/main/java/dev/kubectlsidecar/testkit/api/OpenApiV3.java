package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Just enough OpenAPI v3 for kubectl's validation: {@code kubectl create/apply -f} (default {@code --validate=strict})
 * reads {@code /openapi/v3} and each group version's document to learn whether the server validates fields itself
 * (the {@code fieldValidation} parameter of the PATCH operation of the kind); if so it leaves validation to the
 * server. These documents say so for every kind, without schemas; the mock then ignores the parameter, so nothing
 * is validated, as with {@code --validate=false}.
 */
final class OpenApiV3 {
    private static final String ROOT = "/openapi/v3";

    private final Map<String, List<ApiResources.Type>> byGroupVersion;

    /** @param certManager whether cert-manager's CRDs are registered */
    OpenApiV3(boolean certManager) {
        this.byGroupVersion = ApiResources.byGroupVersion(certManager);
    }

    /** The document at {@code path} (without query), if it is an OpenAPI v3 path. */
    Optional<ObjectNode> document(String path) {
        if (path.equals(ROOT) || path.equals(ROOT + "/")) {
            return Optional.of(root());
        }
        if (!path.startsWith(ROOT + "/")) {
            return Optional.empty();
        }
        String prefix = path.substring(ROOT.length() + 1);
        return byGroupVersion.keySet().stream().filter(gv -> prefix(gv).equals(prefix)).findFirst()
                .map(gv -> groupVersion(byGroupVersion.get(gv)));
    }

    private ObjectNode root() {
        ObjectNode root = Json.object();
        ObjectNode paths = root.putObject("paths");
        byGroupVersion.keySet().forEach(gv ->
                paths.putObject(prefix(gv)).put("serverRelativeURL", ROOT + "/" + prefix(gv)));
        return root;
    }

    private static ObjectNode groupVersion(List<ApiResources.Type> types) {
        ObjectNode document = Json.object().put("openapi", "3.0.0");
        document.putObject("info").put("title", "Kubernetes").put("version", "local-cluster");
        ObjectNode paths = document.putObject("paths");
        for (ApiResources.Type type : types) {
            String path = "/" + prefix(type.groupVersion()) + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
                    + type.plural() + "/{name}";
            ObjectNode patch = paths.putObject(path).putObject("patch");
            patch.putObject("x-kubernetes-group-version-kind")
                    .put("group", type.group()).put("version", type.version()).put("kind", type.kind());
            patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
                    .putObject("schema").put("type", "string");
        }
        return document;
    }

    /** {@code api/v1} or {@code apis/GROUP/VERSION}. */
    private static String prefix(String groupVersion) {
        return groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
    }
}
