package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;

/** Pod Security admission: the init container needs NET_ADMIN and NET_RAW, which baseline and restricted refuse. */
final class PodSecurity {
    static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
    private static final Set<String> TOO_STRICT = Set.of("baseline", "restricted");

    private PodSecurity() {
    }

    static void warnIfRestricted(Namespace namespace, PrintWriter err) {
        Map<String, String> labels = namespace.getMetadata().getLabels();
        String level = labels == null ? null : labels.get(ENFORCE_LABEL);
        if (level != null && TOO_STRICT.contains(level)) {
            err.println("warning: namespace " + namespace.getMetadata().getName() + " enforces Pod Security \"" + level
                    + "\": the istio-init container needs NET_ADMIN and NET_RAW, so injected pods will be rejected; "
                    + "use the privileged level for this namespace (" + ENFORCE_LABEL + "=privileged)");
        }
    }
}
