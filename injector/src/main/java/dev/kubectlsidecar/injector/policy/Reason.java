package dev.kubectlsidecar.injector.policy;

import java.util.SortedSet;

/**
 * Why a pod is (or is not) injected, or what is wrong with it. The {@link #code} is stable and is what programs
 * read (metrics, {@code -o json}, {@code verify}, {@code rollout}); the {@link #message} is a sentence a person reads
 * in {@code inject}'s report, {@code status} and the webhook's warnings.
 */
public record Reason(ReasonCode code, String message) {
    public Reason {
        java.util.Objects.requireNonNull(code, "code");
        java.util.Objects.requireNonNull(message, "message");
    }

    public static Reason hostNetwork() {
        return new Reason(ReasonCode.HOST_NETWORK, "pod uses hostNetwork");
    }

    public static Reason ignoredNamespace(String namespace) {
        return new Reason(ReasonCode.IGNORED_NAMESPACE, "namespace " + namespace + " is never injected");
    }

    public static Reason namespaceEnabled() {
        return new Reason(ReasonCode.NAMESPACE_ENABLED, "namespace label istio-injection=enabled matches");
    }

    public static Reason namespaceDisabled() {
        return new Reason(ReasonCode.NAMESPACE_DISABLED, "namespace label istio-injection=disabled");
    }

    public static Reason namespaceNotLabelled(String namespace) {
        return new Reason(ReasonCode.NAMESPACE_NOT_LABELLED, "namespace " + namespace
                + " has no istio-injection=enabled label and the pod does not opt in with label sidecar.istio.io/inject=true");
    }

    /** @param optIn whether {@code value} means yes */
    public static Reason podLabel(String value, boolean optIn) {
        return new Reason(optIn ? ReasonCode.POD_OPT_IN : ReasonCode.POD_OPT_OUT, "pod label sidecar.istio.io/inject=" + value);
    }

    /** @param optIn whether {@code value} means yes */
    public static Reason podAnnotation(String value, boolean optIn) {
        return new Reason(optIn ? ReasonCode.POD_OPT_IN : ReasonCode.POD_OPT_OUT,
                "pod annotation sidecar.istio.io/inject=" + value);
    }

    public static Reason policyDefault(boolean enabled) {
        return enabled
                ? new Reason(ReasonCode.POLICY_ENABLED, "injection policy is enabled and the pod does not opt out")
                : new Reason(ReasonCode.POLICY_DISABLED, "injection policy is disabled and the pod does not opt in");
    }

    public static Reason injectedByIstiod(String revision) {
        return new Reason(ReasonCode.INJECTED_BY_ISTIOD, "already injected by istiod (revision " + revision
                + "); run uninject first to give it kubectl-sidecar's sidecar");
    }

    public static Reason otherRevision(String where, String revision, String ours) {
        return new Reason(ReasonCode.OTHER_REVISION, where + " istio.io/rev=" + revision + " selects istiod revision "
                + revision + (ours == null ? ", which this profile does not stand for (it joins no istiod)"
                        : ", not this profile's (" + ours + ")"));
    }

    public static Reason namespaceRevision(String revision) {
        return new Reason(ReasonCode.NAMESPACE_REVISION, "namespace label istio.io/rev=" + revision + " matches");
    }

    public static Reason podRevision(String revision) {
        return new Reason(ReasonCode.POD_REVISION, "pod label istio.io/rev=" + revision + " matches");
    }

    /** A revision label no webhook of the agent selects: the config names other revisions, or none. */
    static Reason revisionNotServed(String where, String revision, SortedSet<String> served) {
        return new Reason(ReasonCode.OTHER_REVISION, where + " istio.io/rev=" + revision + " selects istiod revision "
                + revision + (served.isEmpty() ? ", and the config names no revision (a profile's mesh.revision)"
                        : ", not the config's (" + String.join(", ", served) + ")"));
    }

    /** With named revisions, {@code istio-injection} on the namespace is the default revision's and wins. */
    static Reason defaultRevisionLabel(String injection, SortedSet<String> served) {
        return new Reason(ReasonCode.NAMESPACE_NOT_LABELLED, "namespace label istio-injection=" + injection
                + " is the default revision's and wins over istio.io/rev; the config names revision "
                + String.join(", ", served) + ": kubectl sidecar enable labels istio.io/rev instead");
    }

    static Reason noRevisionLabel(String namespace, SortedSet<String> served) {
        return new Reason(ReasonCode.NAMESPACE_NOT_LABELLED, "namespace " + namespace + " has no label istio.io/rev="
                + String.join("|", served) + " and the pod has none either");
    }
}
