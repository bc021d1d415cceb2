package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.traffic.TrafficDefaults;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Envoy cannot run here, so the bootstrap is parsed strictly into Envoy's own v3 API types: a misspelt field,
 * a wrong enum value or an unresolvable {@code @type} fails, as Envoy itself would fail at start-up.
 */
class EnvoyBootstrapTest {
    private static final TypeRegistry TYPES = TypeRegistry.newBuilder()
            .add(OriginalDst.getDescriptor())
            .add(TcpProxy.getDescriptor())
            .add(HttpConnectionManager.getDescriptor())
            .add(Router.getDescriptor())
            .build();

    private static Bootstrap parse(String yaml) throws InvalidProtocolBufferException {
        String json = JsonMappers.JSON.writeValueAsString(JsonMappers.YAML.readTree(yaml));
        Bootstrap.Builder builder = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, builder);
        return builder.build();
    }

    @Test
    void isAValidEnvoyV3Bootstrap() throws InvalidProtocolBufferException {
        Bootstrap bootstrap = parse(EnvoyBootstrap.json(TrafficDefaults.istio()));

        Map<String, Integer> ports = bootstrap.getStaticResources().getListenersList().stream()
                .collect(Collectors.toMap(Listener::getName, l -> l.getAddress().getSocketAddress().getPortValue()));
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of(
                "virtualOutbound", 15001, "virtualInbound", 15006, "health", 15021, "prometheus", 15090));
        assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.getStaticResources().getClustersList())
                .anySatisfy(c -> {
                    assertThat(c.getName()).isEqualTo("InboundPassthroughCluster");
                    assertThat(c.getUpstreamBindConfig().getSourceAddress().getAddress()).isEqualTo("127.0.0.6");
                });
    }

    @Test
    void followsTheProfilesCapturePorts() throws InvalidProtocolBufferException {
        TrafficDefaults d = TrafficDefaults.istio();
        TrafficDefaults custom = new TrafficDefaults(16001, 16006, d.inboundTunnelPort(), d.proxyUid(), d.proxyGid(),
                d.interceptionMode(), d.includeOutboundIPRanges(), d.excludeOutboundIPRanges(), d.includeInboundPorts(),
                d.excludeInboundPorts(), d.includeOutboundPorts(), d.excludeOutboundPorts(), d.excludeInterfaces(),
                d.kubevirtInterfaces(), d.redirectDns(), d.dropInvalid());
        assertThat(parse(EnvoyBootstrap.json(custom)).getStaticResources().getListenersList())
                .extracting(l -> l.getAddress().getSocketAddress().getPortValue())
                .contains(16001, 16006);
    }

    @Test
    void connectionsToTheCapturePortsThemselvesGoToTheBlackHoleOnBothCaptureListeners()
            throws InvalidProtocolBufferException {
        Bootstrap bootstrap = parse(EnvoyBootstrap.json(TrafficDefaults.istio()));
        Map<String, io.envoyproxy.envoy.config.cluster.v3.Cluster> clusters = bootstrap.getStaticResources()
                .getClustersList().stream().collect(Collectors.toMap(c -> c.getName(), c -> c));
        assertThat(clusters.get("BlackHoleCluster").getLoadAssignment().getEndpointsCount())
                .as("no endpoint: a connection routed there is closed").isZero();
        for (String name : new String[] {"virtualOutbound", "virtualInbound"}) {
            Listener listener = bootstrap.getStaticResources().getListenersList().stream()
                    .filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
            Map<Integer, String> byPort = new java.util.LinkedHashMap<>();
            String fallback = null;
            for (var chain : listener.getFilterChainsList()) {
                String cluster = chain.getFilters(0).getTypedConfig().unpack(TcpProxy.class).getCluster();
                if (chain.hasFilterChainMatch()) {
                    byPort.put(chain.getFilterChainMatch().getDestinationPort().getValue(), cluster);
                } else {
                    fallback = cluster;
                }
            }
            assertThat(byPort).as(name).containsExactlyInAnyOrderEntriesOf(
                    Map.of(15001, "BlackHoleCluster", 15006, "BlackHoleCluster"));
            assertThat(fallback).as(name + " passes everything else through")
                    .isEqualTo(name.equals("virtualOutbound") ? "PassthroughCluster" : "InboundPassthroughCluster");
        }
    }

    @Test
    void captureListenersSayTheirDirectionSoInboundDrainsAlone() throws InvalidProtocolBufferException {
        Map<String, io.envoyproxy.envoy.config.core.v3.TrafficDirection> directions = parse(
                EnvoyBootstrap.json(TrafficDefaults.istio())).getStaticResources().getListenersList().stream()
                .collect(Collectors.toMap(Listener::getName, Listener::getTrafficDirection));
        assertThat(directions).containsEntry("virtualInbound", io.envoyproxy.envoy.config.core.v3.TrafficDirection.INBOUND)
                .containsEntry("virtualOutbound", io.envoyproxy.envoy.config.core.v3.TrafficDirection.OUTBOUND);
    }

    @Test
    void theCheckCatchesWhatEnvoyWouldReject() {
        String misspelt = EnvoyBootstrap.json(TrafficDefaults.istio()).replace("stat_prefix", "stats_prefix");
        assertThatThrownBy(() -> parse(misspelt)).isInstanceOf(InvalidProtocolBufferException.class)
                .hasMessageContaining("stats_prefix");
    }
}
