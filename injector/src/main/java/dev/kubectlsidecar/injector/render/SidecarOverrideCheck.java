package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.MalformedPodException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses a sidecar container that a user's own {@code istio-proxy}/{@code istio-init} made less secure than the
 * one we render: Istio lets such a container override anything, here its security context may only be tightened
 * and it may not mount the node's filesystem, nor change when it restarts ({@code restartPolicy},
 * {@code restartPolicyRules}: a native sidecar must stay one). A pod's own {@code istio-init} may set nothing else
 * either ({@link OwnInitContainer}); for {@code istio-proxy}, every other override (env, resources, args,
 * probes…) is the pod author's business, as in Istio: it runs without capabilities as the proxy's UID, which an
 * app container may use too.
 *
 * <table>
 *   <caption>the merged {@code securityContext}</caption>
 *   <tr><th>field</th><th>allowed</th></tr>
 *   <tr><td>{@code privileged}, {@code allowPrivilegeEscalation}</td><td>false</td></tr>
 *   <tr><td>{@code readOnlyRootFilesystem}, {@code runAsNonRoot}</td><td>true where ours is true</td></tr>
 *   <tr><td>{@code runAsUser}, {@code runAsGroup}</td><td>ours (the proxy's UID/GID are what the iptables rules
 *       exempt)</td></tr>
 *   <tr><td>{@code capabilities}</td><td>{@code add} within ours, {@code drop} still {@code ALL}</td></tr>
 *   <tr><td>{@code seccompProfile}, {@code appArmorProfile}</td><td>type RuntimeDefault or Localhost</td></tr>
 *   <tr><td>{@code procMount}</td><td>Default</td></tr>
 *   <tr><td>anything else ({@code seLinuxOptions}, {@code windowsOptions}, …)</td><td>refused</td></tr>
 * </table>
 */
final class SidecarOverrideCheck {
    private static final Set<String> CONFINING_PROFILES = Set.of("RuntimeDefault", "Localhost");

    private SidecarOverrideCheck() {
    }

    /**
     * @param field where the user's container stands in the pod, e.g. {@code spec.containers[1]}
     * @param podVolumes the pod's own {@code spec.volumes} (may be null)
     * @throws MalformedPodException naming the field that loosened the sidecar
     */
    static void check(ObjectNode ours, ObjectNode merged, String field, JsonNode podVolumes) {
        securityContext(ours.path("securityContext"), merged.get("securityContext"), field + ".securityContext");
        for (String restart : new String[] {"restartPolicy", "restartPolicyRules"}) {
            JsonNode value = merged.get(restart);
            if (value != null && !value.equals(ours.get(restart))) {
                throw refused(field + "." + restart, value.toString(), ours.has(restart)
                        ? "must stay " + ours.get(restart) : "may not be set on the sidecar");
            }
        }
        for (String list : new String[] {"volumeMounts", "volumeDevices"}) {
            for (JsonNode mount : merged.path(list)) {
                String volume = mount.path("name").asString("");
                if (isHostPath(podVolumes, volume)) {
                    throw new MalformedPodException(field + "." + list, "volume " + volume
                            + " is a hostPath: the sidecar never mounts the node's filesystem");
                }
            }
        }
    }

    private static void securityContext(JsonNode ours, JsonNode merged, String at) {
        if (!(merged instanceof ObjectNode context)) {
            throw refused(at, String.valueOf(merged), "must stay the injector's mapping");
        }
        for (String name : context.propertyNames()) {
            JsonNode value = context.get(name);
            String field = at + "." + name;
            switch (name) {
                case "privileged", "allowPrivilegeEscalation" -> require(value.isBoolean() && !value.booleanValue(),
                        field, value, "must be false");
                case "readOnlyRootFilesystem", "runAsNonRoot" -> require(!ours.path(name).asBoolean(false)
                        || value.isBoolean() && value.booleanValue(), field, value, "must be true");
                case "runAsUser", "runAsGroup" -> require(value.equals(ours.get(name)), field, value,
                        "must be " + ours.get(name) + ": the iptables rules exempt exactly the sidecar's own IDs");
                case "capabilities" -> capabilities(ours.path(name), value, field);
                case "seccompProfile", "appArmorProfile" -> require(
                        CONFINING_PROFILES.contains(value.path("type").asString("")), field, value,
                        "type must be RuntimeDefault or Localhost");
                case "procMount" -> require("Default".equals(value.asString(null)), field, value, "must be Default");
                default -> throw refused(field, value.toString(), "may not be set on the sidecar");
            }
        }
    }

    private static void capabilities(JsonNode ours, JsonNode merged, String at) {
        if (!(merged instanceof ObjectNode capabilities)) {
            throw refused(at, String.valueOf(merged), "must stay the injector's mapping");
        }
        Set<String> allowedAdds = names(ours.path("add"));
        for (String name : capabilities.propertyNames()) {
            JsonNode value = capabilities.get(name);
            switch (name) {
                case "add" -> require(allowedAdds.containsAll(names(value)), at + ".add", value,
                        allowedAdds.isEmpty() ? "must add nothing" : "may add only " + String.join(", ", allowedAdds));
                case "drop" -> require(dropsAll(value), at + ".drop", value,
                        "must drop ALL (spelt ALL in any case: runtimes read CAP_ALL as an unknown capability)");
                default -> throw refused(at + "." + name, value.toString(), "may not be set on the sidecar");
            }
        }
    }

    /** Whether the list holds {@code ALL}: container runtimes compare it case-insensitively and without a prefix. */
    private static boolean dropsAll(JsonNode list) {
        if (!list.isArray()) {
            return false;
        }
        for (JsonNode item : list) {
            if (item.isString() && item.asString().equalsIgnoreCase("ALL")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Capability names as the runtime reads them: case-insensitive, with or without {@code CAP_}; null is none, and
     * anything but a list stands for itself (so it is never a subset of ours).
     */
    private static Set<String> names(JsonNode list) {
        Set<String> names = new HashSet<>();
        for (JsonNode item : list) {
            String name = item.asString("").toUpperCase(Locale.ROOT);
            names.add(name.startsWith("CAP_") ? name.substring(4) : name);
        }
        if (!list.isArray() && !list.isMissingNode() && !list.isNull()) {
            names.add(list.toString());
        }
        return names;
    }

    private static boolean isHostPath(JsonNode podVolumes, String name) {
        if (podVolumes == null) {
            return false;
        }
        for (JsonNode volume : podVolumes) {
            if (name.equals(volume.path("name").asString(null)) && volume.has("hostPath")) {
                return true;
            }
        }
        return false;
    }

    private static void require(boolean allowed, String field, JsonNode value, String rule) {
        if (!allowed) {
            throw refused(field, value.toString(), rule);
        }
    }

    private static MalformedPodException refused(String field, String value, String rule) {
        return new MalformedPodException(field, value + " refused: " + rule
                + " (a pod's own sidecar container may tighten the injected one's security, never loosen it)");
    }
}
