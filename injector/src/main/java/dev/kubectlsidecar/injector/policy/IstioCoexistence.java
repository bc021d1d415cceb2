package dev.kubectlsidecar.injector.policy;

import dev.kubectlsidecar.injector.config.MeshSettings;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Exactly one injector per pod when istiod runs in the cluster too: a pod labelled {@code istio.io/rev} is ours only
 * when its profile stands for that revision ({@code mesh.revision} in the config), and a pod istiod already injected
 * is never injected again on top.
 */
public final class IstioCoexistence {
    private IstioCoexistence() {
    }

    /** A skip when istiod injected the pod already ({@code revision} from its injection record). */
    public static Decision injectedByIstiod(String revision) {
        return Decision.skip(List.of(Reason.injectedByIstiod(revision)));
    }

    /**
     * A skip when the pod's label {@code istio.io/rev} names another istiod revision than its profile's; null when
     * it names none or the profile's. Only the pod's own label: that is all the webhook sees (which namespaces and
     * pods reach it at all is {@link WebhookSelection}'s).
     *
     * @param mesh the profile's mesh settings; null for a profile that joins no istiod
     */
    public static Decision otherRevision(JsonNode pod, MeshSettings mesh) {
        String revision = pod.path("metadata").path("labels").path(WebhookSelection.REVISION_LABEL).asString(null);
        if (revision == null) {
            return null;
        }
        String ours = mesh == null ? null : mesh.revisionName();
        if (revision.equals(ours) || (revision.isEmpty() && "default".equals(ours))) {
            return null;
        }
        return Decision.skip(List.of(Reason.otherRevision("pod label", revision, ours)));
    }
}
