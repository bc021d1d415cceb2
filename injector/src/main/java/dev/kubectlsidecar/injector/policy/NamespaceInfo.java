package dev.kubectlsidecar.injector.policy;

import java.util.Map;

/**
 * The pod's namespace as far as the caller knows it. Offline {@code inject} and the webhook pass
 * {@link #unlabelled(String) unknown labels}: the API server's namespaceSelector has already filtered for the
 * webhook, and offline there is no cluster to ask. {@code status} passes the real labels.
 */
public record NamespaceInfo(String name, Map<String, String> labels) {
    public static final String INJECTION_LABEL = "istio-injection";

    public NamespaceInfo {
        labels = labels == null ? null : Map.copyOf(labels);
    }

    public static NamespaceInfo unlabelled(String name) {
        return new NamespaceInfo(name, null);
    }

    public boolean labelsKnown() {
        return labels != null;
    }

    public String injectionLabel() {
        return labels == null ? null : labels.get(INJECTION_LABEL);
    }
}
