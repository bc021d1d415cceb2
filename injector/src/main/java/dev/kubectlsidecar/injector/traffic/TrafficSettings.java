package dev.kubectlsidecar.injector.traffic;

import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_INTERFACES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.KUBEVIRT_INTERFACES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.REROUTE_VIRTUAL_INTERFACES;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every input of the rule generator, named after istio-iptables' flags and environment variables.
 *
 * @param proxyPort              {@code -p/--envoy-port}: where outbound TCP is redirected
 * @param inboundCapturePort     {@code -z/--inbound-capture-port}: where inbound TCP is redirected
 * @param inboundTunnelPort      {@code -e/--inbound-tunnel-port}: HBONE port, never captured
 * @param proxyUids              {@code -u/--proxy-uid}: the proxy's user ids, whose traffic is never captured
 * @param proxyGids              {@code -g/--proxy-gid}: the proxy's group ids, likewise
 * @param interceptionMode       {@code -m/--istio-inbound-interception-mode}
 * @param tproxyMark             {@code -t}: packet mark of TPROXY mode
 * @param tproxyRouteTable       {@code -r}: policy-routing table of TPROXY mode
 * @param includeAllInboundPorts {@code -b '*'}: capture every inbound port, minus {@code excludeInboundPorts}
 * @param includeInboundPorts    {@code -b p1,p2}: capture only these inbound ports (ignored when all are included)
 * @param excludeInboundPorts    {@code -d/--istio-local-exclude-ports}: used only with {@code -b '*'}
 * @param includeOutboundIpRanges {@code -i/--istio-service-cidr}
 * @param excludeOutboundIpRanges {@code -x/--istio-service-exclude-cidr} (never a wildcard)
 * @param includeOutboundPorts   {@code -q/--istio-outbound-ports}
 * @param excludeOutboundPorts   {@code -o/--istio-local-outbound-ports-exclude}
 * @param excludeInterfaces      {@code -c/--istio-exclude-interfaces}
 * @param rerouteVirtualInterfaces {@code -k/--kube-virt-interfaces}: their inbound traffic is treated as outbound
 * @param redirectDns            {@code --redirect-dns}: capture DNS to the agent (needs servers or capture-all)
 * @param captureAllDns          {@code --capture-all-dns}
 * @param dnsServersV4           IPv4 resolvers (istio-iptables reads them from /etc/resolv.conf)
 * @param dnsServersV6           IPv6 resolvers, likewise
 * @param dropInvalid            {@code --drop-invalid}
 * @param ownerGroupsInclude     env {@code ISTIO_OUTBOUND_OWNER_GROUPS}: {@code ["*"]} means every group
 * @param ownerGroupsExclude     env {@code ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE}: only used when including every group
 * @param ipv4LoopbackCidr       env {@code ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR}
 * @param ipv6                   whether IPv6 rules are applied (istio-iptables derives it from the pod IP)
 */
public record TrafficSettings(
        int proxyPort,
        int inboundCapturePort,
        int inboundTunnelPort,
        List<Long> proxyUids,
        List<Long> proxyGids,
        InterceptionMode interceptionMode,
        long tproxyMark,
        int tproxyRouteTable,
        boolean includeAllInboundPorts,
        List<Integer> includeInboundPorts,
        List<Integer> excludeInboundPorts,
        IpRanges includeOutboundIpRanges,
        IpRanges excludeOutboundIpRanges,
        List<Integer> includeOutboundPorts,
        List<Integer> excludeOutboundPorts,
        List<String> excludeInterfaces,
        List<String> rerouteVirtualInterfaces,
        boolean redirectDns,
        boolean captureAllDns,
        List<String> dnsServersV4,
        List<String> dnsServersV6,
        boolean dropInvalid,
        List<String> ownerGroupsInclude,
        List<String> ownerGroupsExclude,
        Cidr ipv4LoopbackCidr,
        boolean ipv6) {

    /** The ports of the sidecar itself (Envoy's Prometheus 15090, health 15021, agent status 15020). */
    public static final List<Integer> SIDECAR_PORTS = List.of(15090, 15021, 15020);
    private static final List<Integer> SIDECAR_PORTS_BEFORE_USERS = List.of(15090, 15021);
    private static final int STATUS_PORT = 15020;

    public TrafficSettings {
        proxyUids = List.copyOf(proxyUids);
        proxyGids = List.copyOf(proxyGids);
        Objects.requireNonNull(interceptionMode, "interceptionMode");
        includeInboundPorts = List.copyOf(includeInboundPorts);
        excludeInboundPorts = List.copyOf(excludeInboundPorts);
        Objects.requireNonNull(includeOutboundIpRanges, "includeOutboundIpRanges");
        Objects.requireNonNull(excludeOutboundIpRanges, "excludeOutboundIpRanges");
        if (excludeOutboundIpRanges.all()) {
            throw new IllegalArgumentException("excluded outbound IP ranges cannot be a wildcard");
        }
        includeOutboundPorts = List.copyOf(includeOutboundPorts);
        excludeOutboundPorts = List.copyOf(excludeOutboundPorts);
        excludeInterfaces = List.copyOf(excludeInterfaces);
        rerouteVirtualInterfaces = List.copyOf(rerouteVirtualInterfaces);
        dnsServersV4 = List.copyOf(dnsServersV4);
        dnsServersV6 = List.copyOf(dnsServersV6);
        ownerGroupsInclude = List.copyOf(ownerGroupsInclude);
        ownerGroupsExclude = List.copyOf(ownerGroupsExclude);
        Objects.requireNonNull(ipv4LoopbackCidr, "ipv4LoopbackCidr");
    }

    /**
     * The injector's path: the profile's values, overridden by the pod's {@code traffic.sidecar.istio.io/*}
     * annotations (see {@link TrafficAnnotations}), with the sidecar's own ports always excluded inbound, in the order
     * Istio's injection template passes them: {@code 15090,15021,<the user's ports>,15020} (15020 not repeated when
     * the user lists it). Whether the pod has IPv6 is only known in the pod, so {@link #ipv6()} is false here and
     * the init script decides at run time. DNS servers are unknown here too, so {@code redirectDns} alone does not
     * capture DNS (as in istio-iptables without resolvers).
     *
     * @throws dev.kubectlsidecar.injector.errors.InvalidAnnotationException when an annotation's value is invalid
     */
    public static TrafficSettings resolve(TrafficDefaults profile, Map<String, String> podAnnotations) {
        ProfileOrAnnotation values = new ProfileOrAnnotation(podAnnotations);
        String includeInbound = values.get(INCLUDE_INBOUND_PORTS, profile.includeInboundPorts());
        String rerouted = podAnnotations.getOrDefault(REROUTE_VIRTUAL_INTERFACES, "");
        String rerouteKey = rerouted.isEmpty() ? KUBEVIRT_INTERFACES : REROUTE_VIRTUAL_INTERFACES;
        String rerouteValue = rerouted.isEmpty() ? values.get(KUBEVIRT_INTERFACES, profile.kubevirtInterfaces()) : rerouted;
        return builder()
                .proxyPort(profile.proxyPort())
                .inboundCapturePort(profile.inboundCapturePort())
                .inboundTunnelPort(profile.inboundTunnelPort())
                .proxyUids(List.of(profile.proxyUid()))
                .proxyGids(List.of(profile.proxyGid()))
                .interceptionMode(interceptionMode(profile.interceptionMode()))
                .includeAllInboundPorts(TrafficAnnotations.isWildcard(includeInbound))
                .includeInboundPorts(TrafficAnnotations.portsOrWildcard(INCLUDE_INBOUND_PORTS, includeInbound))
                .excludeInboundPorts(withSidecarPorts(TrafficAnnotations.ports(EXCLUDE_INBOUND_PORTS,
                        values.get(EXCLUDE_INBOUND_PORTS, profile.excludeInboundPorts()))))
                .includeOutboundIpRanges(TrafficAnnotations.ipRanges(INCLUDE_OUTBOUND_IP_RANGES,
                        values.get(INCLUDE_OUTBOUND_IP_RANGES, profile.includeOutboundIPRanges()), true))
                .excludeOutboundIpRanges(TrafficAnnotations.ipRanges(EXCLUDE_OUTBOUND_IP_RANGES,
                        values.get(EXCLUDE_OUTBOUND_IP_RANGES, profile.excludeOutboundIPRanges()), false))
                .includeOutboundPorts(TrafficAnnotations.ports(INCLUDE_OUTBOUND_PORTS,
                        values.get(INCLUDE_OUTBOUND_PORTS, profile.includeOutboundPorts())))
                .excludeOutboundPorts(TrafficAnnotations.ports(EXCLUDE_OUTBOUND_PORTS,
                        values.get(EXCLUDE_OUTBOUND_PORTS, profile.excludeOutboundPorts())))
                .excludeInterfaces(TrafficAnnotations.interfaces(EXCLUDE_INTERFACES,
                        values.get(EXCLUDE_INTERFACES, profile.excludeInterfaces())))
                .rerouteVirtualInterfaces(TrafficAnnotations.interfaces(rerouteKey, rerouteValue))
                .redirectDns(profile.redirectDns())
                .dropInvalid(profile.dropInvalid())
                .build();
    }

    /** istio-iptables' defaults: {@code -p 15001 -z 15006 -e 15008 -u 1337 -g 1337 -t 1337 -r 133}, nothing else. */
    public static Builder builder() {
        return new Builder();
    }

    /** Like istio-iptables, an unset mode means REDIRECT. */
    private static InterceptionMode interceptionMode(String profileValue) {
        return profileValue == null || profileValue.isEmpty() ? InterceptionMode.REDIRECT
                : InterceptionMode.valueOf(profileValue);
    }

    /** Istio's {@code "15090,15021," + excludeInboundPort(15020, userPorts)}. */
    private static List<Integer> withSidecarPorts(List<Integer> userPorts) {
        List<Integer> ports = new ArrayList<>(SIDECAR_PORTS_BEFORE_USERS);
        ports.addAll(userPorts);
        if (!userPorts.contains(STATUS_PORT)) {
            ports.add(STATUS_PORT);
        }
        return ports;
    }

    /** An annotation's value when the pod has the annotation, else the profile's. */
    private record ProfileOrAnnotation(Map<String, String> annotations) {
        String get(String key, String profileValue) {
            return annotations.getOrDefault(key, profileValue == null ? "" : profileValue);
        }
    }

    /** Sets any field; every setter copies its argument. */
    public static final class Builder {
        private int proxyPort = 15001;
        private int inboundCapturePort = 15006;
        private int inboundTunnelPort = 15008;
        private List<Long> proxyUids = List.of(1337L);
        private List<Long> proxyGids = List.of(1337L);
        private InterceptionMode interceptionMode = InterceptionMode.REDIRECT;
        private long tproxyMark = 1337;
        private int tproxyRouteTable = 133;
        private boolean includeAllInboundPorts;
        private List<Integer> includeInboundPorts = List.of();
        private List<Integer> excludeInboundPorts = List.of();
        private IpRanges includeOutboundIpRanges = IpRanges.none();
        private IpRanges excludeOutboundIpRanges = IpRanges.none();
        private List<Integer> includeOutboundPorts = List.of();
        private List<Integer> excludeOutboundPorts = List.of();
        private List<String> excludeInterfaces = List.of();
        private List<String> rerouteVirtualInterfaces = List.of();
        private boolean redirectDns;
        private boolean captureAllDns;
        private List<String> dnsServersV4 = List.of();
        private List<String> dnsServersV6 = List.of();
        private boolean dropInvalid;
        private List<String> ownerGroupsInclude = List.of(TrafficAnnotations.WILDCARD);
        private List<String> ownerGroupsExclude = List.of();
        private Cidr ipv4LoopbackCidr = Cidr.parse("127.0.0.1/32").orElseThrow();
        private boolean ipv6;

        private Builder() {
        }

        public Builder proxyPort(int port) { proxyPort = port; return this; }
        public Builder inboundCapturePort(int port) { inboundCapturePort = port; return this; }
        public Builder inboundTunnelPort(int port) { inboundTunnelPort = port; return this; }
        public Builder proxyUids(List<Long> uids) { proxyUids = List.copyOf(uids); return this; }
        public Builder proxyGids(List<Long> gids) { proxyGids = List.copyOf(gids); return this; }
        public Builder interceptionMode(InterceptionMode mode) { interceptionMode = mode; return this; }
        public Builder tproxyMark(long mark) { tproxyMark = mark; return this; }
        public Builder tproxyRouteTable(int table) { tproxyRouteTable = table; return this; }
        public Builder includeAllInboundPorts(boolean all) { includeAllInboundPorts = all; return this; }
        public Builder includeInboundPorts(List<Integer> ports) { includeInboundPorts = List.copyOf(ports); return this; }
        public Builder excludeInboundPorts(List<Integer> ports) { excludeInboundPorts = List.copyOf(ports); return this; }
        public Builder includeOutboundIpRanges(IpRanges ranges) { includeOutboundIpRanges = ranges; return this; }
        public Builder excludeOutboundIpRanges(IpRanges ranges) { excludeOutboundIpRanges = ranges; return this; }
        public Builder includeOutboundPorts(List<Integer> ports) { includeOutboundPorts = List.copyOf(ports); return this; }
        public Builder excludeOutboundPorts(List<Integer> ports) { excludeOutboundPorts = List.copyOf(ports); return this; }
        public Builder excludeInterfaces(List<String> names) { excludeInterfaces = List.copyOf(names); return this; }
        public Builder rerouteVirtualInterfaces(List<String> names) { rerouteVirtualInterfaces = List.copyOf(names); return this; }
        public Builder redirectDns(boolean redirect) { redirectDns = redirect; return this; }
        public Builder captureAllDns(boolean all) { captureAllDns = all; return this; }
        public Builder dnsServersV4(List<String> servers) { dnsServersV4 = List.copyOf(servers); return this; }
        public Builder dnsServersV6(List<String> servers) { dnsServersV6 = List.copyOf(servers); return this; }
        public Builder dropInvalid(boolean drop) { dropInvalid = drop; return this; }
        public Builder ownerGroupsInclude(List<String> groups) { ownerGroupsInclude = List.copyOf(groups); return this; }
        public Builder ownerGroupsExclude(List<String> groups) { ownerGroupsExclude = List.copyOf(groups); return this; }
        public Builder ipv4LoopbackCidr(Cidr cidr) { ipv4LoopbackCidr = cidr; return this; }
        public Builder ipv6(boolean enabled) { ipv6 = enabled; return this; }

        public TrafficSettings build() {
            return new TrafficSettings(proxyPort, inboundCapturePort, inboundTunnelPort, proxyUids, proxyGids,
                    interceptionMode, tproxyMark, tproxyRouteTable, includeAllInboundPorts, includeInboundPorts,
                    excludeInboundPorts, includeOutboundIpRanges, excludeOutboundIpRanges, includeOutboundPorts,
                    excludeOutboundPorts, excludeInterfaces, rerouteVirtualInterfaces, redirectDns, captureAllDns,
                    dnsServersV4, dnsServersV6, dropInvalid, ownerGroupsInclude, ownerGroupsExclude,
                    ipv4LoopbackCidr, ipv6);
        }
    }

    /** A builder holding these settings, to derive variants. */
    public Builder toBuilder() {
        return builder().proxyPort(proxyPort).inboundCapturePort(inboundCapturePort)
                .inboundTunnelPort(inboundTunnelPort).proxyUids(proxyUids).proxyGids(proxyGids)
                .interceptionMode(interceptionMode).tproxyMark(tproxyMark).tproxyRouteTable(tproxyRouteTable)
                .includeAllInboundPorts(includeAllInboundPorts).includeInboundPorts(includeInboundPorts)
                .excludeInboundPorts(excludeInboundPorts).includeOutboundIpRanges(includeOutboundIpRanges)
                .excludeOutboundIpRanges(excludeOutboundIpRanges).includeOutboundPorts(includeOutboundPorts)
                .excludeOutboundPorts(excludeOutboundPorts).excludeInterfaces(excludeInterfaces)
                .rerouteVirtualInterfaces(rerouteVirtualInterfaces).redirectDns(redirectDns)
                .captureAllDns(captureAllDns).dnsServersV4(dnsServersV4).dnsServersV6(dnsServersV6)
                .dropInvalid(dropInvalid).ownerGroupsInclude(ownerGroupsInclude)
                .ownerGroupsExclude(ownerGroupsExclude).ipv4LoopbackCidr(ipv4LoopbackCidr).ipv6(ipv6);
    }
}
