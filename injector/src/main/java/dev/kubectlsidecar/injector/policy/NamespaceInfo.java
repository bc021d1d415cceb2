package dev.kubectlsidecar.injector.policy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The pod's namespace as far as the caller knows it. Offline {@code inject} and the webhook pass
 * {@link #unlabelled(String) unknown labels}: the API server's namespaceSelector has already filtered for the
 * webhook, and offline there is no cluster to ask. {@code status} passes the real labels and, when
 * {@code kubectl sidecar enable} recorded it, since when injection has been enabled: a pod created after that
 * without a sidecar was let through without the webhook.
 *
 * @param injectionEnabledAt the annotation {@value #ENABLED_AT_ANNOTATION}; null when unknown
 */
public record NamespaceInfo(String name, Map<String, String> labels, Instant injectionEnabledAt) {
    public static final String INJECTION_LABEL = "istio-injection";
    /** Written by {@code kubectl sidecar enable} with the label, removed by {@code disable}. */
    public static final String ENABLED_AT_ANNOTATION = "kubectl-sidecar/injection-enabled-at";

    public NamespaceInfo {
        labels = labels == null ? null : Map.copyOf(labels);
    }

    public NamespaceInfo(String name, Map<String, String> labels) {
        this(name, labels, null);
    }

    public static NamespaceInfo unlabelled(String name) {
        return new NamespaceInfo(name, null);
    }

    /** From a Namespace's metadata; an unreadable {@value #ENABLED_AT_ANNOTATION} counts as absent. */
    public static NamespaceInfo of(String name, Map<String, String> labels, Map<String, String> annotations) {
        String enabledAt = annotations == null ? null : annotations.get(ENABLED_AT_ANNOTATION);
        Instant since = null;
        if (enabledAt != null) {
            try {
                since = Instant.parse(enabledAt.strip());
            } catch (DateTimeParseException e) {
                since = null;
            }
        }
        return new NamespaceInfo(name, labels, since);
    }

    public boolean labelsKnown() {
        return labels != null;
    }

    public String injectionLabel() {
        return labels == null ? null : labels.get(INJECTION_LABEL);
    }
}
