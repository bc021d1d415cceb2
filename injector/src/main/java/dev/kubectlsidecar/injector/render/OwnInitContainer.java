package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.Quantity;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a pod's own {@code istio-init} may set: it runs as root with NET_ADMIN and NET_RAW, and its termination
 * message is what {@code status} verifies, so it may only tighten the injected one. An allow-list: {@code name},
 * {@code image} ({@code auto} or the config's image; another one is the image rule of {@link ContainerOverride}),
 * {@code resources} within the profile's bounds, and a {@code securityContext} that {@link SidecarOverrideCheck}
 * finds no looser. Every other field (command, args, env, envFrom, lifecycle, restartPolicy, ports, volumeMounts,
 * probes, workingDir, stdin, tty, terminationMessagePath…) would change what runs as root, or where its report
 * comes from, and is refused with the field named.
 */
final class OwnInitContainer {
    private static final Set<String> ALLOWED = Set.of("name", "image", "resources", "securityContext");
    private static final Set<String> RESOURCE_NAMES = Set.of("cpu", "memory", "ephemeral-storage");

    private OwnInitContainer() {
    }

    /**
     * @param ours the injected init container (its {@code resources.limits} are the profile's bounds)
     * @param field where the pod's own container stands, e.g. {@code spec.initContainers[0]}
     * @throws MalformedPodException naming the first field that is not allowed
     */
    static void check(ObjectNode ours, ObjectNode own, String field) {
        for (String name : own.propertyNames()) {
            if (!ALLOWED.contains(name)) {
                throw new MalformedPodException(field + "." + name, "may not be set on a pod's own istio-init: it may "
                        + "only set image: auto, resources within the profile's bounds and a stricter securityContext "
                        + "(the init container runs as root with NET_ADMIN; what it runs is the injector's)");
            }
        }
        JsonNode resources = own.get("resources");
        if (resources != null) {
            resources(ours.path("resources").path("limits"), resources, field + ".resources");
        }
    }

    private static void resources(JsonNode bounds, JsonNode resources, String at) {
        if (!(resources instanceof ObjectNode object)) {
            throw new MalformedPodException(at, "must be a mapping of requests and limits");
        }
        for (String kind : object.propertyNames()) {
            if (!kind.equals("requests") && !kind.equals("limits")) {
                throw new MalformedPodException(at + "." + kind, "may not be set on a pod's own istio-init "
                        + "(only requests and limits)");
            }
            JsonNode quantities = object.get(kind);
            if (!(quantities instanceof ObjectNode map)) {
                throw new MalformedPodException(at + "." + kind, "must be a mapping of resource names to quantities");
            }
            for (String resource : map.propertyNames()) {
                String field = at + "." + kind + "." + resource;
                if (!RESOURCE_NAMES.contains(resource)) {
                    throw new MalformedPodException(field, "may not be set on a pod's own istio-init (only cpu, "
                            + "memory and ephemeral-storage)");
                }
                String value = map.get(resource).asString(null);
                if (!Quantity.isValid(value)) {
                    throw new MalformedPodException(field, map.get(resource) + " is not " + Quantity.ALLOWED);
                }
                String bound = bounds.path(resource).asString(null);
                if (bound != null && Quantity.amount(value).compareTo(Quantity.amount(bound)) > 0) {
                    throw new MalformedPodException(field, value + " exceeds the profile's " + resource + " limit "
                            + bound + " for istio-init");
                }
            }
        }
    }
}
