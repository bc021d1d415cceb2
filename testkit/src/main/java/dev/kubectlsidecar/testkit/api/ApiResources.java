package dev.kubectlsidecar.testkit.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The resource types the local cluster announces in discovery: what kubectl and the product touch. */
final class ApiResources {
    /** One resource type of one group version. */
    record Type(String group, String version, String plural, String kind, boolean namespaced,
                List<String> shortNames, List<String> categories) {

        /** The API server's verbs; namespaces alone cannot be deleted as a collection. */
        List<String> verbs() {
            return plural.equals("namespaces")
                    ? VERBS.stream().filter(verb -> !verb.equals("deletecollection")).toList() : VERBS;
        }

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private static final List<String> ALL = List.of("all");

    static final List<Type> TYPES = List.of(
            core("pods", "Pod", true, List.of("po"), ALL),
            core("services", "Service", true, List.of("svc"), ALL),
            core("namespaces", "Namespace", false, List.of("ns"), List.of()),
            core("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
            core("secrets", "Secret", true, List.of(), List.of()),
            core("serviceaccounts", "ServiceAccount", true, List.of("sa"), List.of()),
            core("events", "Event", true, List.of("ev"), List.of()),
            type("apps", "deployments", "Deployment", true, List.of("deploy"), ALL),
            type("apps", "replicasets", "ReplicaSet", true, List.of("rs"), ALL),
            type("apps", "statefulsets", "StatefulSet", true, List.of("sts"), ALL),
            type("apps", "daemonsets", "DaemonSet", true, List.of("ds"), ALL),
            type("batch", "jobs", "Job", true, List.of(), ALL),
            type("batch", "cronjobs", "CronJob", true, List.of("cj"), ALL),
            type("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
                    false, List.of(), List.of("api-extensions")),
            type("coordination.k8s.io", "leases", "Lease", true, List.of(), List.of()),
            type("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", false, List.of(), List.of()),
            type("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false, List.of(),
                    List.of()),
            type("rbac.authorization.k8s.io", "roles", "Role", true, List.of(), List.of()),
            type("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", true, List.of(), List.of()),
            type("policy", "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb"), List.of()));

    /** What cert-manager's CRDs register (its v1 API), announced when a test asks for them. */
    static final List<Type> CERT_MANAGER = List.of(
            type("cert-manager.io", "certificates", "Certificate", true, List.of("cert", "certs"), List.of("cert-manager")),
            type("cert-manager.io", "certificaterequests", "CertificateRequest", true, List.of("cr", "crs"), List.of("cert-manager")),
            type("cert-manager.io", "issuers", "Issuer", true, List.of(), List.of("cert-manager")),
            type("cert-manager.io", "clusterissuers", "ClusterIssuer", false, List.of(), List.of("cert-manager")));

    private ApiResources() {
    }

    /** The types by group version ("v1", "apps/v1", ...), in announcement order, with cert-manager's if asked. */
    static Map<String, List<Type>> byGroupVersion(boolean certManager) {
        Map<String, List<Type>> out = new LinkedHashMap<>();
        List<Type> types = new ArrayList<>(TYPES);
        if (certManager) {
            types.addAll(CERT_MANAGER);
        }
        for (Type type : types) {
            out.computeIfAbsent(type.groupVersion(), k -> new ArrayList<>()).add(type);
        }
        return out;
    }

    private static Type core(String plural, String kind, boolean namespaced, List<String> shortNames,
                             List<String> categories) {
        return new Type("", "v1", plural, kind, namespaced, shortNames, categories);
    }

    private static Type type(String group, String plural, String kind, boolean namespaced, List<String> shortNames,
                             List<String> categories) {
        return new Type(group, "v1", plural, kind, namespaced, shortNames, categories);
    }
}
