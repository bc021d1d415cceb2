package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.traffic.TrafficDefaults;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The app containers of an injected pod whose traffic never reaches the proxy: the iptables rules let the proxy's
 * own UID and GID through uncaptured (so its traffic does not loop back into it), so a container that runs as
 * either bypasses the proxy. A container's IDs are its {@code securityContext}'s, else the pod's; an image's own
 * {@code USER} cannot be known here. App init containers count only when they run after the proxy has started
 * (native sidecars): in the classic layout they run before {@code istio-init}, uncaptured anyway.
 */
public final class ProxyBypass {
    private ProxyBypass() {
    }

    /** One sentence per bypassing container, naming it, the ID and where the ID is set. */
    public static List<String> of(JsonNode pod, TrafficDefaults traffic) {
        JsonNode spec = pod.path("spec");
        List<String> found = new ArrayList<>();
        boolean proxyRunning = false;
        JsonNode initContainers = spec.path("initContainers");
        for (int i = 0; i < initContainers.size(); i++) {
            String name = initContainers.get(i).path("name").asString("");
            proxyRunning |= name.equals(SidecarParts.PROXY_NAME);
            if (proxyRunning && !isSidecar(name)) {
                check(initContainers.get(i), "spec.initContainers[" + i + "]", spec, traffic, found);
            }
        }
        JsonNode containers = spec.path("containers");
        for (int i = 0; i < containers.size(); i++) {
            if (!isSidecar(containers.get(i).path("name").asString(""))) {
                check(containers.get(i), "spec.containers[" + i + "]", spec, traffic, found);
            }
        }
        return found;
    }

    private static boolean isSidecar(String name) {
        return name.equals(SidecarParts.PROXY_NAME) || name.equals(SidecarParts.INIT_NAME);
    }

    private static void check(JsonNode container, String field, JsonNode spec, TrafficDefaults traffic, List<String> found) {
        List<String> ids = new ArrayList<>();
        String uid = proxyId(container, field, spec, "runAsUser", traffic.proxyUid());
        String gid = proxyId(container, field, spec, "runAsGroup", traffic.proxyGid());
        if (uid != null) {
            ids.add("UID " + uid);
        }
        if (gid != null) {
            ids.add("GID " + gid);
        }
        if (!ids.isEmpty()) {
            found.add("container " + container.path("name").asString("") + " runs as the proxy's " + String.join(" and ", ids)
                    + ": the iptables rules never capture the proxy's own IDs, so its traffic bypasses the proxy");
        }
    }

    /** {@code "1337 (where it is set)"} when the container runs with that ID, else null. */
    private static String proxyId(JsonNode container, String field, JsonNode spec, String key, long proxyId) {
        JsonNode own = container.path("securityContext").get(key);
        boolean inherited = own == null || own.isNull();
        JsonNode value = inherited ? spec.path("securityContext").get(key) : own;
        if (value == null || !value.isIntegralNumber() || value.longValue() != proxyId) {
            return null;
        }
        return proxyId + " (" + (inherited ? "spec" : field) + ".securityContext." + key + ")";
    }
}
