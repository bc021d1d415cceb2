package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Per namespace, the labels its pods' stored states were computed with, so that a namespace reported with those same
 * labels need not be listed again. Not thread-safe: the tracker's worker thread alone uses it.
 */
final class LabelsUsed {
    /** The namespace's pods were computed with different labels. No namespace is named "". */
    private static final NamespaceInfo MIXED = new NamespaceInfo("", Map.of());

    private final Map<String, NamespaceInfo> used = new HashMap<>();

    void stored(String namespace, NamespaceInfo labels) {
        used.merge(namespace, labels, (before, now) -> before.equals(now) ? before : MIXED);
    }

    /** Before the pods of {@code namespace} (all when null) are listed and stored again. */
    void forget(String namespace) {
        if (namespace == null) {
            used.clear();
        } else {
            used.remove(namespace);
        }
    }

    /** Whether every stored state of the namespace was computed with {@code labels}. */
    boolean allComputedWith(String namespace, NamespaceInfo labels) {
        return labels.equals(used.get(namespace));
    }
}
