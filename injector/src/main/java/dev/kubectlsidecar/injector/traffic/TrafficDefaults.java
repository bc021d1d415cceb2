package dev.kubectlsidecar.injector.traffic;

/**
 * A profile's traffic-capture defaults, written in istio-iptables' own syntax (comma lists, {@code *} for all).
 * The pod's {@code traffic.sidecar.istio.io/*} annotations override the matching field; the sidecar's own
 * inbound ports (15090, 15021, 15020) are always excluded on top of {@link #excludeInboundPorts}.
 */
public record TrafficDefaults(
        int proxyPort,
        int inboundCapturePort,
        int inboundTunnelPort,
        long proxyUid,
        long proxyGid,
        String interceptionMode,
        String includeOutboundIPRanges,
        String excludeOutboundIPRanges,
        String includeInboundPorts,
        String excludeInboundPorts,
        String includeOutboundPorts,
        String excludeOutboundPorts,
        String excludeInterfaces,
        String kubevirtInterfaces,
        boolean redirectDns,
        boolean dropInvalid) {

    /** Istio's defaults: capture all outbound and all inbound TCP in REDIRECT mode, proxy as 1337:1337. */
    public static TrafficDefaults istio() {
        return new TrafficDefaults(15001, 15006, 15008, 1337, 1337, "REDIRECT",
                "*", "", "*", "", "", "", "", "", false, false);
    }
}
