package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.ProxyFlavor;
import dev.kubectlsidecar.injector.config.Resources;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.traffic.TrafficDefaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the containers and volumes injection adds, as JSON trees, from the proxy options and the init
 * container's command (which the traffic package generates). Nothing here reads the user's pod.
 */
public final class SidecarTemplate {
    static final String ENVOY_VOLUME = "istio-envoy";
    private static final String TERMINATION_LOG = "/dev/termination-log";

    private SidecarTemplate() {
    }

    public static SidecarParts render(ProxyOptions options, List<String> initCommand, boolean nativeSidecar) {
        List<ObjectNode> volumes = new ArrayList<>();
        ObjectNode proxy;
        if (options.profile().flavor() == ProxyFlavor.ISTIO) {
            proxy = IstioProxyLayout.container(options, volumes);
        } else {
            volumes.add(envoyVolume());
            proxy = envoyContainer(options);
        }
        ProxyHooks.apply(proxy, options.profile().flavor(), options.lifecycle(), nativeSidecar);
        if (nativeSidecar) {
            proxy.put("restartPolicy", "Always");
        }
        boolean proxyFirst = !nativeSidecar && options.lifecycle().holdApplicationUntilProxyStarts();
        return SidecarParts.of(initContainer(options, initCommand), proxy, volumes, nativeSidecar, proxyFirst);
    }

    /** Every volume a profile of either flavour adds, by name: what an injection record may list. */
    static Map<String, ObjectNode> everyVolume() {
        Map<String, ObjectNode> volumes = new LinkedHashMap<>();
        volumes.put(ENVOY_VOLUME, envoyVolume());
        IstioProxyLayout.volumes().forEach(volume -> volumes.put(volume.get("name").asString(), volume));
        return volumes;
    }

    /** Whether the volume is an emptyDir once the API server has it: one with no source (only a name) becomes one. */
    static boolean emptyDir(JsonNode volume) {
        return volume.has("emptyDir") || volume.size() == 1 && volume.has("name");
    }

    /** The proxy's config and SDS channel, in memory. */
    static ObjectNode envoyVolume() {
        return Json.object().put("name", ENVOY_VOLUME).set("emptyDir", Json.object().put("medium", "Memory"));
    }

    private static ObjectNode initContainer(ProxyOptions options, List<String> command) {
        ObjectNode init = Json.object()
                .put("name", SidecarParts.INIT_NAME)
                .put("image", options.profile().initImage())
                .put("imagePullPolicy", options.profile().imagePullPolicy());
        ArrayNode commandNode = init.putArray("command");
        command.forEach(commandNode::add);
        init.set("resources", resources(options.profile().initResources()));
        ObjectNode security = init.putObject("securityContext");
        security.put("allowPrivilegeEscalation", false);
        ObjectNode capabilities = security.putObject("capabilities");
        capabilities.putArray("add").add("NET_ADMIN").add("NET_RAW");
        capabilities.putArray("drop").add("ALL");
        security.put("privileged", false)
                .put("readOnlyRootFilesystem", true)
                .put("runAsGroup", 0)
                .put("runAsNonRoot", false)
                .put("runAsUser", 0);
        init.put("terminationMessagePath", TERMINATION_LOG).put("terminationMessagePolicy", "File");
        return init;
    }

    private static ObjectNode envoyContainer(ProxyOptions options) {
        TrafficDefaults traffic = options.profile().traffic();
        ObjectNode proxy = Json.object()
                .put("name", SidecarParts.PROXY_NAME)
                .put("image", options.proxyImage())
                .put("imagePullPolicy", options.profile().imagePullPolicy());
        proxy.putArray("command").add("envoy");
        ArrayNode args = proxy.putArray("args")
                .add("--config-yaml").add(EnvoyBootstrap.json(traffic))
                .add("--log-level").add("warn")
                .add("--base-id").add("1")
                .add("--concurrency").add(Integer.toString(options.concurrency()));
        ProxyHooks.envoyDrainArgs(args, options.lifecycle());
        commonProxyFields(proxy, options, traffic);
        proxy.putArray("volumeMounts").addObject().put("name", ENVOY_VOLUME).put("mountPath", "/etc/istio/proxy");
        return proxy;
    }

    /** Ports, probe, resources and the locked-down security context every proxy flavour shares. */
    static void commonProxyFields(ObjectNode proxy, ProxyOptions options, TrafficDefaults traffic) {
        proxy.putArray("ports").addObject()
                .put("containerPort", EnvoyBootstrap.PROMETHEUS_PORT)
                .put("name", "http-envoy-prom")
                .put("protocol", "TCP");
        ObjectNode probe = proxy.putObject("readinessProbe");
        probe.putObject("httpGet").put("path", EnvoyBootstrap.HEALTH_PATH).put("port", EnvoyBootstrap.HEALTH_PORT);
        probe.put("periodSeconds", 15).put("timeoutSeconds", 3).put("failureThreshold", 4);
        proxy.set("resources", resources(options.proxyResources()));
        ObjectNode security = proxy.putObject("securityContext");
        security.put("allowPrivilegeEscalation", false);
        security.putObject("capabilities").putArray("drop").add("ALL");
        security.put("privileged", false).put("readOnlyRootFilesystem", true);
        security.set("runAsGroup", Json.integer(traffic.proxyGid()));
        security.put("runAsNonRoot", true);
        security.set("runAsUser", Json.integer(traffic.proxyUid()));
    }

    private static ObjectNode resources(Resources resources) {
        ObjectNode node = Json.object();
        if (!resources.limits().isEmpty()) {
            node.set("limits", quantities(resources.limits()));
        }
        if (!resources.requests().isEmpty()) {
            node.set("requests", quantities(resources.requests()));
        }
        return node;
    }

    private static ObjectNode quantities(Map<String, String> quantities) {
        ObjectNode node = Json.object();
        quantities.keySet().stream().sorted().forEach(key -> node.put(key, quantities.get(key)));
        return node;
    }
}
