package dev.kubectlsidecar.injector.traffic;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether traffic settings capture anything at all, worked out from what the rules do (in the order
 * {@link IstioRuleGenerator} applies them), not from single values:
 * <ul>
 * <li>an excluded interface {@code +} (iptables' wildcard matching every name) returns all traffic, both ways,
 * before any capture rule;</li>
 * <li>inbound is captured when some port is included: every port (minus exclusions that leave a port), or a
 * non-empty list;</li>
 * <li>outbound is captured, per family, when the excluded IP ranges (returned before any inclusion, port
 * inclusions too) leave an address, and some of it is included: an included range not wholly excluded, or an
 * included outbound port.</li>
 * </ul>
 */
public final class CaptureScope {
    /** How the warning starts, so readers of a pod's reasons can find it. */
    public static final String NOTHING_CAPTURED = "captures no traffic";
    private static final String EVERY_INTERFACE = "+";
    private static final int PORTS = 65535;

    private CaptureScope() {
    }

    /** A sentence for a person when the settings capture no traffic at all; empty when something is captured. */
    public static Optional<String> nothingCaptured(TrafficSettings settings) {
        if (settings.excludeInterfaces().contains(EVERY_INTERFACE)) {
            return Optional.of(NOTHING_CAPTURED + ": traffic.sidecar.istio.io/excludeInterfaces \"+\" matches every "
                    + "interface, so the sidecar is injected but all of the pod's traffic bypasses it");
        }
        Optional<String> inbound = inboundMissing(settings);
        Optional<String> outbound = outboundMissing(settings);
        if (inbound.isEmpty() || outbound.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(NOTHING_CAPTURED + ": " + inbound.get() + " and " + outbound.get()
                + ", so the sidecar is injected but all of the pod's traffic bypasses it");
    }

    private static Optional<String> inboundMissing(TrafficSettings settings) {
        if (settings.includeAllInboundPorts()) {
            Set<Integer> excluded = new HashSet<>(settings.excludeInboundPorts());
            excluded.remove(0);
            return excluded.size() >= PORTS ? Optional.of("every inbound port is excluded (excludeInboundPorts)") : Optional.empty();
        }
        return settings.includeInboundPorts().isEmpty()
                ? Optional.of("no inbound port is included (includeInboundPorts is empty)") : Optional.empty();
    }

    private static Optional<String> outboundMissing(TrafficSettings settings) {
        boolean everyAddressExcluded = true;
        for (Family family : Family.values()) {
            List<Cidr> excluded = settings.excludeOutboundIpRanges().prefixes(family);
            if (covers(excluded, List.of(whole(family)))) {
                continue;
            }
            everyAddressExcluded = false;
            IpRanges included = settings.includeOutboundIpRanges();
            if (!settings.includeOutboundPorts().isEmpty()
                    || included.all()
                    || !covers(excluded, included.prefixes(family))) {
                return Optional.empty();
            }
        }
        return Optional.of(everyAddressExcluded
                ? "every outbound address is excluded (excludeOutboundIPRanges covers 0.0.0.0/0 and ::/0)"
                : "no outbound destination is included (includeOutboundIPRanges and includeOutboundPorts leave none)");
    }

    private static Cidr whole(Family family) {
        return Cidr.parse(family == Family.V4 ? "0.0.0.0/0" : "::/0").orElseThrow();
    }

    /** Whether the union of {@code ranges} holds every address of every prefix in {@code wanted}. */
    static boolean covers(List<Cidr> ranges, List<Cidr> wanted) {
        List<Cidr> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(Cidr::first));
        for (Cidr cidr : wanted) {
            BigInteger next = cidr.first();
            for (Cidr range : sorted) {
                if (range.first().compareTo(next) <= 0 && range.last().compareTo(next) >= 0) {
                    next = range.last().add(BigInteger.ONE);
                }
            }
            if (next.compareTo(cidr.last()) <= 0) {
                return false;
            }
        }
        return true;
    }
}
