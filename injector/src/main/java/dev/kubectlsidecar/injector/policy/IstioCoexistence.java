package dev.kubectlsidecar.injector.policy;

import dev.kubectlsidecar.injector.config.MeshSettings;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Exactly one injector per pod when istiod runs in the cluster too. istiod's revisioned webhooks select a pod by
 * the label {@code istio.io/rev} (the pod's, else its namespace's unless that has {@code istio-injection}): a pod
 * that selects a revision is ours only when the profile stands for that revision ({@code mesh.revision} in the
 * config); and a pod istiod already injected is never injected again on top.
 */
public final class IstioCoexistence {
    public static final String REVISION_LABEL = "istio.io/rev";

    private IstioCoexistence() {
    }

    /** A skip when istiod injected the pod already ({@code revision} from its injection record). */
    public static Decision injectedByIstiod(String revision) {
        return Decision.skip(List.of(Reason.injectedByIstiod(revision)));
    }

    /**
     * A skip when the pod selects another istiod revision than the profile's; null when it selects none or ours.
     *
     * @param mesh the profile's mesh settings; null for a profile that joins no istiod
     */
    public static Decision otherRevision(JsonNode pod, NamespaceInfo namespace, MeshSettings mesh) {
        String where = "pod label";
        String revision = pod.path("metadata").path("labels").path(REVISION_LABEL).asString(null);
        if (revision == null && namespace.labelsKnown() && namespace.injectionLabel() == null) {
            revision = namespace.labels().get(REVISION_LABEL);
            where = "namespace label";
        }
        if (revision == null) {
            return null;
        }
        String ours = mesh == null ? null : mesh.revisionName();
        if (revision.equals(ours) || (revision.isEmpty() && "default".equals(ours))) {
            return null;
        }
        return Decision.skip(List.of(Reason.otherRevision(where, revision, ours)));
    }

    /** Whether a namespace label {@code istio.io/rev} enables injection: it names a revision a profile stands for. */
    static boolean namespaceRevisionMatches(String revision, List<MeshSettings> meshes) {
        return revision != null && meshes.stream().anyMatch(mesh -> mesh.revisionName().equals(revision));
    }
}
