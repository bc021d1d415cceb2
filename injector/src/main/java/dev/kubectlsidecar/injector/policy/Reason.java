package dev.kubectlsidecar.injector.policy;

/**
 * Why the policy decided as it did. The {@link #code} is stable (metrics, {@code -o json}); the {@link #message}
 * is a sentence a person reads in {@code inject}'s report, {@code status} and the webhook's warnings.
 */
public record Reason(String code, String message) {

    public static Reason hostNetwork() {
        return new Reason("host_network", "pod uses hostNetwork");
    }

    public static Reason ignoredNamespace(String namespace) {
        return new Reason("ignored_namespace", "namespace " + namespace + " is never injected");
    }

    public static Reason namespaceEnabled() {
        return new Reason("namespace_enabled", "namespace label istio-injection=enabled matches");
    }

    public static Reason namespaceDisabled() {
        return new Reason("namespace_disabled", "namespace label istio-injection=disabled");
    }

    public static Reason namespaceNotLabelled(String namespace) {
        return new Reason("namespace_not_enabled", "namespace " + namespace
                + " has no istio-injection=enabled label and the pod does not opt in with label sidecar.istio.io/inject=true");
    }

    public static Reason podLabel(String value) {
        return new Reason("pod_label", "pod label sidecar.istio.io/inject=" + value);
    }

    public static Reason podAnnotation(String value) {
        return new Reason("pod_annotation", "pod annotation sidecar.istio.io/inject=" + value);
    }

    public static Reason policyDefault(boolean enabled) {
        return enabled
                ? new Reason("policy_enabled", "injection policy is enabled and the pod does not opt out")
                : new Reason("policy_disabled", "injection policy is disabled and the pod does not opt in");
    }

    public static Reason injectedByIstiod(String revision) {
        return new Reason("injected_by_istiod", "already injected by istiod (revision " + revision
                + "); run uninject first to give it kubectl-sidecar's sidecar");
    }

    public static Reason otherRevision(String where, String revision, String ours) {
        return new Reason("other_revision", where + " istio.io/rev=" + revision + " selects istiod revision "
                + revision + (ours == null ? ", which this profile does not stand for (it joins no istiod)"
                        : ", not this profile's (" + ours + ")"));
    }

    public static Reason namespaceRevision(String revision) {
        return new Reason("namespace_revision", "namespace label istio.io/rev=" + revision + " matches");
    }
}
