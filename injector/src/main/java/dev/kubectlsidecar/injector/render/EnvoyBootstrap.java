package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.traffic.TrafficDefaults;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The inline bootstrap of the {@code envoy} profile: a transparent pass-through proxy that needs no control plane.
 * Outbound connections redirected to the outbound capture port go to their original destination; inbound ones
 * redirected to the inbound capture port go to the app, bound to the passthrough source 127.0.0.6 (which the
 * iptables rules let through); 15021 answers readiness from Envoy's own {@code /ready}; 15090 serves Prometheus
 * stats. Admin stays on localhost. Rendered as YAML text for {@code --config-yaml}.
 *
 * <p>A connection whose original destination is one of the capture ports themselves would otherwise be forwarded
 * back into Envoy, again and again: as in Istio's {@code virtualOutbound}/{@code virtualInbound}, each capture
 * listener has a black-hole filter chain for those ports, which closes it. The capture listeners carry their
 * {@code traffic_direction}, so {@code /drain_listeners?inboundonly} drains inbound alone while outbound keeps
 * serving the stopping app.
 */
final class EnvoyBootstrap {
    static final int ADMIN_PORT = 15000;
    static final int HEALTH_PORT = 15021;
    static final int PROMETHEUS_PORT = 15090;
    static final String HEALTH_PATH = "/healthz/ready";
    private static final String PASSTHROUGH_SOURCE = "127.0.0.6";
    static final String BLACK_HOLE = "BlackHoleCluster";

    private EnvoyBootstrap() {
    }

    static String json(TrafficDefaults traffic) {
        ObjectNode bootstrap = Json.object();
        bootstrap.putObject("node").put("id", "sidecar~kubectl-sidecar").put("cluster", "kubectl-sidecar");
        bootstrap.putObject("admin").set("address", socket("127.0.0.1", ADMIN_PORT));
        ObjectNode resources = bootstrap.putObject("static_resources");
        ArrayNode listeners = resources.putArray("listeners");
        int[] capturePorts = {traffic.proxyPort(), traffic.inboundCapturePort()};
        listeners.add(passthroughListener("virtualOutbound", "OUTBOUND", traffic.proxyPort(), "PassthroughCluster",
                capturePorts));
        listeners.add(passthroughListener("virtualInbound", "INBOUND", traffic.inboundCapturePort(),
                "InboundPassthroughCluster", capturePorts));
        listeners.add(adminRouteListener("health", HEALTH_PORT, HEALTH_PATH, "/ready"));
        listeners.add(adminRouteListener("prometheus", PROMETHEUS_PORT, "/stats/prometheus", "/stats/prometheus"));
        ArrayNode clusters = resources.putArray("clusters");
        clusters.add(originalDstCluster("PassthroughCluster", null));
        clusters.add(originalDstCluster("InboundPassthroughCluster", PASSTHROUGH_SOURCE));
        clusters.add(adminCluster());
        clusters.add(Json.object().put("name", BLACK_HOLE).put("type", "STATIC").put("connect_timeout", "10s"));
        return JsonText.writeYaml(bootstrap);
    }

    private static ObjectNode passthroughListener(String name, String direction, int port, String cluster,
                                                  int[] capturePorts) {
        ObjectNode listener = Json.object().put("name", name).put("traffic_direction", direction);
        listener.set("address", socket("0.0.0.0", port));
        listener.putArray("listener_filters").addObject()
                .put("name", "envoy.filters.listener.original_dst")
                .putObject("typed_config")
                .put("@type", "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst");
        ArrayNode chains = listener.putArray("filter_chains");
        for (int capturePort : capturePorts) {
            ObjectNode blackHole = chains.addObject().put("name", name + "-blackhole-" + capturePort);
            blackHole.putObject("filter_chain_match").put("destination_port", capturePort);
            blackHole.putArray("filters").add(tcpProxy(BLACK_HOLE, BLACK_HOLE));
        }
        chains.addObject().put("name", name + "-passthrough").putArray("filters").add(tcpProxy(name, cluster));
        return listener;
    }

    private static ObjectNode tcpProxy(String statPrefix, String cluster) {
        ObjectNode filter = Json.object().put("name", "envoy.filters.network.tcp_proxy");
        filter.putObject("typed_config")
                .put("@type", "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy")
                .put("stat_prefix", statPrefix)
                .put("cluster", cluster);
        return filter;
    }

    private static ObjectNode adminRouteListener(String name, int port, String path, String adminPath) {
        ObjectNode listener = Json.object().put("name", name);
        listener.set("address", socket("0.0.0.0", port));
        ObjectNode manager = listener.putArray("filter_chains").addObject().putArray("filters").addObject()
                .put("name", "envoy.filters.network.http_connection_manager")
                .putObject("typed_config");
        manager.put("@type",
                "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
        manager.put("stat_prefix", name);
        ObjectNode virtualHost = manager.putObject("route_config").putArray("virtual_hosts").addObject()
                .put("name", name);
        virtualHost.putArray("domains").add("*");
        ObjectNode route = virtualHost.putArray("routes").addObject();
        route.putObject("match").put("path", path);
        route.putObject("route").put("cluster", "admin").put("prefix_rewrite", adminPath);
        manager.putArray("http_filters").addObject()
                .put("name", "envoy.filters.http.router")
                .putObject("typed_config")
                .put("@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
        return listener;
    }

    private static ObjectNode originalDstCluster(String name, String bindSource) {
        ObjectNode cluster = Json.object()
                .put("name", name)
                .put("type", "ORIGINAL_DST")
                .put("lb_policy", "CLUSTER_PROVIDED")
                .put("connect_timeout", "10s");
        if (bindSource != null) {
            cluster.putObject("upstream_bind_config").set("source_address", socketAddress(bindSource, 0));
        }
        return cluster;
    }

    private static ObjectNode adminCluster() {
        ObjectNode cluster = Json.object()
                .put("name", "admin")
                .put("type", "STATIC")
                .put("connect_timeout", "1s");
        ObjectNode assignment = cluster.putObject("load_assignment").put("cluster_name", "admin");
        assignment.putArray("endpoints").addObject().putArray("lb_endpoints").addObject()
                .putObject("endpoint").set("address", socket("127.0.0.1", ADMIN_PORT));
        return cluster;
    }

    private static ObjectNode socket(String address, int port) {
        ObjectNode wrapper = Json.object();
        wrapper.set("socket_address", socketAddress(address, port));
        return wrapper;
    }

    private static ObjectNode socketAddress(String address, int port) {
        return Json.object().put("address", address).put("port_value", port);
    }
}
