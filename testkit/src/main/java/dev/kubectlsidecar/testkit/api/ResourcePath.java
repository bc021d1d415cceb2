package dev.kubectlsidecar.testkit.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request URI of the Kubernetes REST API taken apart: {@code /api/v1/namespaces/shop/pods/web?dryRun=All} is
 * group "", version v1, namespace shop, resource pods, name web, query {dryRun=All}.
 *
 * @param namespace null for cluster-scoped paths and for lists across all namespaces
 * @param name null for collections
 * @param subresource the rest after the name ({@code status}, {@code proxy/api/v1/status}), or null
 */
public record ResourcePath(String group, String version, String namespace, String resource, String name,
                           String subresource, Map<String, String> query) {
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses a resource URI; empty for anything else (discovery documents, {@code /version}, unknown roots). */
    public static Optional<ResourcePath> parse(String uri) {
        int questionMark = uri.indexOf('?');
        String path = questionMark < 0 ? uri : uri.substring(0, questionMark);
        Map<String, String> query = questionMark < 0 ? Map.of() : query(uri.substring(questionMark + 1));
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int rest;
        String group;
        if (segments.size() >= 3 && segments.get(0).equals("api")) {
            group = "";
            rest = 2;
        } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = 3;
        } else {
            return Optional.empty();
        }
        String version = segments.get(rest - 1);
        List<String> tail = segments.subList(rest, segments.size());
        String namespace = null;
        if (tail.size() >= 3 && tail.get(0).equals("namespaces") && !NAMESPACE_SUBRESOURCES.contains(tail.get(2))) {
            namespace = tail.get(1);
            tail = tail.subList(2, tail.size());
        }
        String name = tail.size() >= 2 ? tail.get(1) : null;
        String subresource = tail.size() >= 3 ? String.join("/", tail.subList(2, tail.size())) : null;
        if (path.endsWith("/") && subresource != null) {
            subresource += "/";
        }
        return Optional.of(new ResourcePath(group, version, namespace, tail.get(0), name, subresource, query));
    }

    public boolean isCollection() {
        return name == null;
    }

    public boolean is(String group, String resource) {
        return this.group.equals(group) && this.resource.equals(resource);
    }

    /** {@code dryRun=All}, the only dry-run value the API server accepts. */
    public boolean dryRun() {
        return "All".equals(query.get("dryRun"));
    }

    /** The same resource's URI without the query, e.g. to read the object a request names. */
    public String withoutQuery() {
        StringBuilder out = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (namespace != null) {
            out.append("/namespaces/").append(namespace);
        }
        out.append('/').append(resource);
        if (name != null) {
            out.append('/').append(name);
        }
        return out.toString();
    }

    private static Map<String, String> query(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return Map.copyOf(out);
    }
}
