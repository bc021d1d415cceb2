package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The discovery documents kubectl and the fabric8 client read before anything else: {@code /version}, {@code /api},
 * {@code /api/v1}, {@code /apis}, {@code /apis/GROUP} and {@code /apis/GROUP/VERSION}. They are matched on the path
 * alone, so every query string kubectl adds ({@code ?timeout=32s}) is served. Aggregated discovery is not offered:
 * kubectl asks for it and falls back to these legacy documents when the answer is plain JSON.
 */
final class Discovery {
    private final ServerVersion version;
    private final Map<String, List<ApiResources.Type>> byGroupVersion;

    /** @param certManager whether cert-manager's CRDs are registered (their API announced) */
    Discovery(ServerVersion version, boolean certManager) {
        this.version = version;
        this.byGroupVersion = ApiResources.byGroupVersion(certManager);
    }

    /** The document at {@code path} (without query), if it is a discovery path. */
    Optional<ObjectNode> document(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.equals("/version")) {
            return Optional.of(version.document());
        }
        if (trimmed.equals("/api")) {
            return Optional.of(apiVersions());
        }
        if (trimmed.equals("/apis")) {
            return Optional.of(groupList());
        }
        if (trimmed.startsWith("/api/")) {
            return resourceList(trimmed.substring("/api/".length()));
        }
        if (trimmed.startsWith("/apis/")) {
            String rest = trimmed.substring("/apis/".length());
            return rest.contains("/") ? resourceList(rest) : group(rest);
        }
        return Optional.empty();
    }

    private ObjectNode apiVersions() {
        ObjectNode out = Json.object();
        out.put("kind", "APIVersions");
        out.putArray("versions").add("v1");
        ObjectNode address = out.putArray("serverAddressByClientCIDRs").addObject();
        address.put("clientCIDR", "0.0.0.0/0");
        address.put("serverAddress", "127.0.0.1");
        return out;
    }

    private ObjectNode groupList() {
        ObjectNode out = Json.object();
        out.put("kind", "APIGroupList");
        out.put("apiVersion", "v1");
        ArrayNode groups = out.putArray("groups");
        byGroupVersion.keySet().stream().filter(gv -> gv.contains("/"))
                .forEach(gv -> groups.add(groupDocument(gv.substring(0, gv.indexOf('/')))));
        return out;
    }

    private Optional<ObjectNode> group(String group) {
        return byGroupVersion.keySet().stream().anyMatch(gv -> gv.startsWith(group + "/"))
                ? Optional.of(groupDocument(group).put("kind", "APIGroup").put("apiVersion", "v1"))
                : Optional.empty();
    }

    private ObjectNode groupDocument(String group) {
        ObjectNode out = Json.object();
        out.put("name", group);
        ArrayNode versions = out.putArray("versions");
        byGroupVersion.keySet().stream().filter(gv -> gv.startsWith(group + "/"))
                .forEach(gv -> versions.addObject().put("groupVersion", gv).put("version", gv.substring(group.length() + 1)));
        out.set("preferredVersion", versions.get(0).deepCopy());
        return out;
    }

    private Optional<ObjectNode> resourceList(String groupVersion) {
        List<ApiResources.Type> types = byGroupVersion.get(groupVersion);
        if (types == null) {
            return Optional.empty();
        }
        ObjectNode out = Json.object();
        out.put("kind", "APIResourceList");
        out.put("apiVersion", "v1");
        out.put("groupVersion", groupVersion);
        ArrayNode resources = out.putArray("resources");
        for (ApiResources.Type type : types) {
            ObjectNode resource = resources.addObject();
            resource.put("name", type.plural());
            resource.put("singularName", type.kind().toLowerCase(Locale.ROOT));
            resource.put("namespaced", type.namespaced());
            resource.put("kind", type.kind());
            ArrayNode verbs = resource.putArray("verbs");
            type.verbs().forEach(verbs::add);
            if (!type.shortNames().isEmpty()) {
                type.shortNames().forEach(resource.putArray("shortNames")::add);
            }
            if (!type.categories().isEmpty()) {
                type.categories().forEach(resource.putArray("categories")::add);
            }
        }
        return Optional.of(out);
    }
}
