package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes RBAC's decision for a request path, as the API server's authorizer makes it: the request's verb, API
 * group, resource, namespace and name against the rules of a ClusterRole (any namespace) and of a Role (its
 * namespace). A list or watch carries the name of its {@code metadata.name} field selector, so rules with
 * {@code resourceNames} can allow it; a create carries no name, so only rules without {@code resourceNames} can.
 */
final class RbacAuthorizer {
    record Attributes(String verb, String group, String resource, String namespace, String name) {
    }

    private final List<PolicyRule> clusterRules;
    private final List<PolicyRule> namespaceRules;
    private final String namespace;

    RbacAuthorizer(List<PolicyRule> clusterRules, List<PolicyRule> namespaceRules, String namespace) {
        this.clusterRules = clusterRules;
        this.namespaceRules = namespaceRules;
        this.namespace = namespace;
    }

    boolean allows(String method, String pathAndQuery) {
        Attributes request = attributes(method, pathAndQuery);
        if (clusterRules.stream().anyMatch(rule -> matches(rule, request))) {
            return true;
        }
        return namespace.equals(request.namespace()) && namespaceRules.stream().anyMatch(rule -> matches(rule, request));
    }

    static Attributes attributes(String method, String pathAndQuery) {
        String[] pathQuery = pathAndQuery.split("\\?", 2);
        Map<String, String> query = query(pathQuery.length > 1 ? pathQuery[1] : "");
        List<String> parts = List.of(pathQuery[0].replaceFirst("^/", "").split("/"));
        int at;
        String group;
        if (parts.get(0).equals("api")) {
            group = "";
            at = 2; // api/v1/...
        } else if (parts.get(0).equals("apis")) {
            group = parts.get(1);
            at = 3; // apis/group/version/...
        } else {
            throw new IllegalArgumentException("not a resource path: " + pathAndQuery);
        }
        String ns = null;
        if (parts.size() > at + 1 && parts.get(at).equals("namespaces") && parts.size() > at + 2) {
            ns = parts.get(at + 1);
            at += 2;
        }
        String resource = parts.get(at);
        String name = parts.size() > at + 1 ? parts.get(at + 1) : null;
        String verb;
        switch (method) {
            case "GET":
                verb = name != null ? "get" : "true".equals(query.get("watch")) ? "watch" : "list";
                break;
            case "POST":
                verb = "create";
                break;
            case "PUT":
                verb = "update";
                break;
            case "PATCH":
                verb = "patch";
                break;
            case "DELETE":
                verb = name != null ? "delete" : "deletecollection";
                break;
            default:
                throw new IllegalArgumentException("unexpected method " + method);
        }
        String selector = query.get("fieldSelector");
        if (name == null && selector != null && selector.startsWith("metadata.name=") && !selector.contains(",")) {
            name = selector.substring("metadata.name=".length());
        }
        return new Attributes(verb, group, resource, ns, name);
    }

    private static boolean matches(PolicyRule rule, Attributes request) {
        boolean names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                || (request.name() != null && !request.verb().equals("create") && rule.getResourceNames().contains(request.name()));
        return rule.getApiGroups().contains(request.group()) && rule.getResources().contains(request.resource())
                && rule.getVerbs().contains(request.verb()) && names;
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new HashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                values.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }
}
