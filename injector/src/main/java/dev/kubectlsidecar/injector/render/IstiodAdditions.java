package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What istiod's injection template adds to a pod, as an injection record without our member may list it
 * ({@link RecordCheck}): the names and shapes of Istio's own template across its eras (Istio's goldens in
 * {@code ../shared/conformance/istio-inject} show each), nothing a custom template or the pod author could add.
 * <ul>
 * <li>init containers {@code istio-init} and, with istio-cni, {@code istio-validation} (both run
 * {@code istio-iptables}), {@code istio-proxy} as a native sidecar, and the legacy {@code enable-core-dump};</li>
 * <li>the container {@code istio-proxy}, run by pilot-agent ({@code proxy sidecar} or {@code proxy router});</li>
 * <li>the volumes of {@link IstioProxyLayout#volumes}, the legacy {@code podinfo} and {@code istio-certs}, and the
 * volumes the pod's own {@value #USER_VOLUME} annotation asked for, exactly as it declares them.</li>
 * </ul>
 */
final class IstiodAdditions {
    static final String VALIDATION_NAME = "istio-validation";
    static final String CORE_DUMP_NAME = "enable-core-dump";
    static final Set<String> INIT_CONTAINERS =
            Set.of(SidecarParts.INIT_NAME, VALIDATION_NAME, CORE_DUMP_NAME, SidecarParts.PROXY_NAME);
    static final Set<String> CONTAINERS = Set.of(SidecarParts.PROXY_NAME);
    static final String USER_VOLUME = "sidecar.istio.io/userVolume";
    private static final List<String> CORE_DUMP_ARGS =
            List.of("-c", "sysctl -w kernel.core_pattern=/var/lib/istio/data/core.proxy && ulimit -c unlimited");
    private static final String LEGACY_CERTS = "istio-certs";
    private static final Map<String, ObjectNode> VOLUMES = volumes();

    private IstiodAdditions() {
    }

    /** Whether the container is the one Istio's template adds under its name: Istio's program, no other. */
    static boolean signed(JsonNode container) {
        JsonNode command = container.path("command");
        JsonNode args = container.path("args");
        boolean noCommand = command.isMissingNode() || command.isNull();
        return switch (container.path("name").asString("")) {
            case SidecarParts.INIT_NAME, VALIDATION_NAME ->
                    noCommand && "istio-iptables".equals(args.path(0).asString(null));
            case SidecarParts.PROXY_NAME -> noCommand && "proxy".equals(args.path(0).asString(null))
                    && Set.of("sidecar", "router").contains(args.path(1).asString(""));
            case CORE_DUMP_NAME -> command.size() == 1 && "/bin/sh".equals(command.get(0).asString(null))
                    && args.size() == CORE_DUMP_ARGS.size() && args.get(0).asString("").equals(CORE_DUMP_ARGS.get(0))
                    && args.get(1).asString("").equals(CORE_DUMP_ARGS.get(1));
            default -> false;
        };
    }

    /** The volume Istio's template adds to this pod under {@code name}; null when it adds none of that name. */
    static ObjectNode volume(String name, JsonNode pod) {
        ObjectNode fixed = VOLUMES.get(name);
        if (fixed != null) {
            return fixed;
        }
        if (name.equals(LEGACY_CERTS)) {
            String account = pod.path("spec").path("serviceAccountName").asString("");
            ObjectNode certs = Json.object().put("name", LEGACY_CERTS);
            certs.putObject("secret").put("secretName", "istio." + (account.isEmpty() ? "default" : account))
                    .put("optional", true);
            return certs;
        }
        return userVolume(name, pod);
    }

    /** A volume the pod's {@value #USER_VOLUME} annotation declares (Istio's map of name to volume source). */
    private static ObjectNode userVolume(String name, JsonNode pod) {
        JsonNode text = pod.path("metadata").path("annotations").path(USER_VOLUME);
        if (!text.isString()) {
            return null;
        }
        JsonNode declared;
        try {
            declared = JsonText.readJson(text.asString());
        } catch (JacksonException e) {
            return null;
        }
        if (!(declared.get(name) instanceof ObjectNode source) || source.has("name")) {
            return null;
        }
        ObjectNode volume = Json.object().put("name", name);
        volume.setAll(source);
        return volume;
    }

    private static Map<String, ObjectNode> volumes() {
        Map<String, ObjectNode> volumes = new LinkedHashMap<>();
        IstioProxyLayout.volumes().forEach(volume -> volumes.put(volume.get("name").asString(), volume));
        ObjectNode podinfo = volumes.get("istio-podinfo").deepCopy().put("name", "podinfo");
        volumes.put("podinfo", podinfo);
        return Map.copyOf(volumes);
    }
}
