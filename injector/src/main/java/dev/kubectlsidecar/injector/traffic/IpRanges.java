package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.List;

/**
 * Outbound IP ranges as istio-iptables keeps them: a wildcard flag ({@code *}, both families) or one prefix list per
 * family, each in the order given.
 */
public record IpRanges(boolean all, List<Cidr> v4, List<Cidr> v6) {

    public IpRanges {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
        if (all && !(v4.isEmpty() && v6.isEmpty())) {
            throw new IllegalArgumentException("a wildcard range list has no prefixes");
        }
    }

    public static IpRanges none() {
        return new IpRanges(false, List.of(), List.of());
    }

    public static IpRanges everything() {
        return new IpRanges(true, List.of(), List.of());
    }

    /** Sorts the prefixes into their family's list, keeping their order. */
    public static IpRanges of(List<Cidr> cidrs) {
        List<Cidr> v4 = new ArrayList<>();
        List<Cidr> v6 = new ArrayList<>();
        for (Cidr cidr : cidrs) {
            (cidr.family() == Family.V4 ? v4 : v6).add(cidr);
        }
        return new IpRanges(false, v4, v6);
    }

    public List<Cidr> prefixes(Family family) {
        return family == Family.V4 ? v4 : v6;
    }

    /** istio-iptables' "has loopback": some prefix's address, of either family, is a loopback address. */
    public boolean hasLoopback() {
        return v4.stream().anyMatch(Cidr::isLoopback) || v6.stream().anyMatch(Cidr::isLoopback);
    }
}
