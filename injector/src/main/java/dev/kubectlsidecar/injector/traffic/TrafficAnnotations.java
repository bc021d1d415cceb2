package dev.kubectlsidecar.injector.traffic;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pod annotations that shape traffic capture, and how their values are read and validated, as Istio's injector
 * does ({@code pkg/kube/inject} {@code ValidateIncludeIPRanges} and friends). Lists are comma separated; empty items
 * are skipped, as istio-iptables' own split skips them. An invalid value throws {@link InvalidAnnotationException}
 * naming the annotation.
 */
public final class TrafficAnnotations {
    public static final String INCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/includeOutboundIPRanges";
    public static final String EXCLUDE_OUTBOUND_IP_RANGES = "traffic.sidecar.istio.io/excludeOutboundIPRanges";
    public static final String INCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/includeInboundPorts";
    public static final String EXCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/excludeInboundPorts";
    public static final String INCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/includeOutboundPorts";
    public static final String EXCLUDE_OUTBOUND_PORTS = "traffic.sidecar.istio.io/excludeOutboundPorts";
    public static final String EXCLUDE_INTERFACES = "traffic.sidecar.istio.io/excludeInterfaces";
    /** Deprecated name of {@link #REROUTE_VIRTUAL_INTERFACES}. */
    public static final String KUBEVIRT_INTERFACES = "traffic.sidecar.istio.io/kubevirtInterfaces";
    public static final String REROUTE_VIRTUAL_INTERFACES = "istio.io/reroute-virtual-interfaces";

    /** Every key the traffic settings read. */
    public static final Set<String> ALL = Set.of(INCLUDE_OUTBOUND_IP_RANGES, EXCLUDE_OUTBOUND_IP_RANGES,
            INCLUDE_INBOUND_PORTS, EXCLUDE_INBOUND_PORTS, INCLUDE_OUTBOUND_PORTS, EXCLUDE_OUTBOUND_PORTS,
            EXCLUDE_INTERFACES, KUBEVIRT_INTERFACES, REROUTE_VIRTUAL_INTERFACES);

    static final String WILDCARD = "*";

    private static final String PORTS = "a comma-separated list of ports, each an integer from 0 to 65535";
    private static final String CIDRS = "a comma-separated list of IP prefixes with a prefix length, e.g. 10.0.0.0/8,fd00::/8";
    /** Linux interface names: at most 15 bytes; we also keep out anything that could break a rule line. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.@+-]{1,15}");

    private TrafficAnnotations() {
    }

    /** {@code *} (all) or a port list; an empty port list is not {@code *}. */
    static boolean isWildcard(String value) {
        return WILDCARD.equals(value);
    }

    static List<Integer> ports(String key, String value) {
        List<Integer> ports = new ArrayList<>();
        for (String item : items(value)) {
            ports.add(port(item.strip()).orElseThrow(() -> invalid(key, value, PORTS)));
        }
        return ports;
    }

    static List<Integer> portsOrWildcard(String key, String value) {
        if (isWildcard(value)) {
            return List.of();
        }
        try {
            return ports(key, value);
        } catch (InvalidAnnotationException e) {
            throw invalid(key, value, "\"*\" or " + PORTS);
        }
    }

    static IpRanges ipRanges(String key, String value, boolean wildcardAllowed) {
        if (wildcardAllowed && isWildcard(value)) {
            return IpRanges.everything();
        }
        String allowed = wildcardAllowed ? "\"*\" or " + CIDRS : CIDRS;
        List<Cidr> cidrs = new ArrayList<>();
        for (String item : items(value)) {
            cidrs.add(Cidr.parse(item).orElseThrow(() -> invalid(key, value, allowed)));
        }
        return IpRanges.of(cidrs);
    }

    static List<String> interfaces(String key, String value) {
        List<String> names = items(value);
        if (!names.stream().allMatch(name -> INTERFACE.matcher(name).matches())) {
            throw invalid(key, value, "a comma-separated list of network interface names (at most 15 of A-Z a-z 0-9 _ . @ + -)");
        }
        return names;
    }

    /** Splits on commas and drops empty items, like istio-iptables. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /** A port as Go's {@code strconv.ParseUint(s, 10, 16)} reads it: digits only, at most 65535, no overflow. */
    private static Optional<Integer> port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    private static InvalidAnnotationException invalid(String key, String value, String allowed) {
        return new InvalidAnnotationException(key, value, allowed);
    }
}
