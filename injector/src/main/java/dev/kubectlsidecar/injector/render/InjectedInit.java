package dev.kubectlsidecar.injector.render;

import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether a running pod's {@code istio-init} is the one the injector renders for it, so that its termination
 * message can be believed: anything that decides what runs or where the report comes from (image, command, args,
 * env, lifecycle, working directory, termination message path and policy, mounts, restart policy) is ours. What a
 * pod's own {@code istio-init} may tighten (resources, securityContext) and what the API server adds (defaults,
 * the service-account token mount) may differ.
 */
public final class InjectedInit {
    private static final Set<String> MAY_DIFFER = Set.of("resources", "securityContext", "imagePullPolicy");
    private static final String TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    private InjectedInit() {
    }

    /**
     * @param ours the init container rendered for the pod
     * @param anyImage whether the config lets pods choose the image ({@code allowImageOverride})
     */
    public static boolean matches(JsonNode running, ObjectNode ours, boolean anyImage) {
        if (!(running instanceof ObjectNode theirs)) {
            return false;
        }
        for (String field : ours.propertyNames()) {
            if (!MAY_DIFFER.contains(field) && !(anyImage && field.equals("image"))
                    && !ours.get(field).equals(theirs.get(field))) {
                return false;
            }
        }
        for (String field : theirs.propertyNames()) {
            if (!ours.has(field) && !MAY_DIFFER.contains(field)
                    && !(field.equals("volumeMounts") && onlyTheToken(theirs.get(field)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyTheToken(JsonNode mounts) {
        for (JsonNode mount : mounts) {
            if (!TOKEN_MOUNT.equals(mount.path("mountPath").asString(null))
                    || !mount.path("readOnly").asBoolean(false) || mount.has("subPath") || mount.has("subPathExpr")) {
                return false;
            }
        }
        return true;
    }
}
