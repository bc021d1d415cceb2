package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * istio-iptables' rule algorithm ({@code tools/istio-iptables/pkg/capture/run.go}), in its emission order and with
 * its quirks; Istio's own golden files ({@code IptablesConformanceTest}) are the reference.
 */
final class IstioRuleGenerator {
    private static final String NAT = "nat";
    private static final String MANGLE = "mangle";
    private static final String RAW = "raw";
    private static final String PREROUTING = "PREROUTING";
    private static final String OUTPUT = "OUTPUT";
    private static final String INBOUND = "ISTIO_INBOUND";
    private static final String REDIRECT = "ISTIO_REDIRECT";
    private static final String IN_REDIRECT = "ISTIO_IN_REDIRECT";
    private static final String ISTIO_OUTPUT = "ISTIO_OUTPUT";
    private static final String OUTPUT_DNS = "ISTIO_OUTPUT_DNS";
    private static final String DIVERT = "ISTIO_DIVERT";
    private static final String TPROXY = "ISTIO_TPROXY";
    private static final String DROP = "ISTIO_DROP";
    /** Marks Envoy→app packets over lo in TPROXY mode; hard-coded upstream. */
    private static final String OUTBOUND_MARK = "1338";
    private static final String DNS_AGENT_PORT = "15053";
    private static final int MULTIPORT_LIMIT = 15;

    private final TrafficSettings settings;
    private final RuleLists rules = new RuleLists();
    private final boolean tproxy;
    private final boolean dns;

    private IstioRuleGenerator(TrafficSettings settings) {
        this.settings = settings;
        this.tproxy = settings.interceptionMode() == InterceptionMode.TPROXY;
        // --redirect-dns without any resolver silently captures nothing, as upstream.
        this.dns = settings.redirectDns() && (settings.captureAllDns()
                || !settings.dnsServersV4().isEmpty() || !settings.dnsServersV6().isEmpty());
    }

    static RuleLists generate(TrafficSettings settings) {
        IstioRuleGenerator generator = new IstioRuleGenerator(settings);
        generator.emit();
        return generator.rules;
    }

    private void emit() {
        excludedInterfaces();
        for (String name : settings.rerouteVirtualInterfaces()) {
            rules.insert(NAT, PREROUTING, 1, "-i", name, "-j", "RETURN");
        }
        if (settings.dropInvalid()) {
            rules.append(MANGLE, PREROUTING, "-m", "conntrack", "--ctstate", "INVALID", "-j", DROP);
            rules.append(MANGLE, DROP, "-j", "DROP");
        }
        rules.append(NAT, INBOUND, "-p", "tcp", "--dport", str(settings.inboundTunnelPort()), "-j", "RETURN");
        rules.append(NAT, REDIRECT, "-p", "tcp", "-j", "REDIRECT", "--to-ports", str(settings.proxyPort()));
        rules.append(NAT, IN_REDIRECT, "-p", "tcp", "-j", "REDIRECT", "--to-ports", str(settings.inboundCapturePort()));
        inboundCapture();
        rules.append(NAT, OUTPUT, "-j", ISTIO_OUTPUT);
        portListReturn(NAT, ISTIO_OUTPUT, "tcp", settings.excludeOutboundPorts());
        portListReturn(NAT, ISTIO_OUTPUT, "udp", settings.excludeOutboundPorts());
        for (Family family : Family.values()) {
            rules.append(family, NAT, ISTIO_OUTPUT, "-o", "lo", "-s", passthroughSource(family), "-j", "RETURN");
        }
        proxyOwnerRules("--uid-owner", settings.proxyUids(), dns);
        // Upstream quirk: the GID loopback redirect never excludes port 53.
        proxyOwnerRules("--gid-owner", settings.proxyGids(), false);
        ownerGroups();
        if (dns) {
            dnsCapture();
        }
        for (Family family : Family.values()) {
            rules.append(family, NAT, ISTIO_OUTPUT, "-d", loopback(family), "-j", "RETURN");
        }
        for (Family family : Family.values()) {
            for (Cidr cidr : settings.excludeOutboundIpRanges().prefixes(family)) {
                rules.append(family, NAT, ISTIO_OUTPUT, "-d", cidr.toString(), "-j", "RETURN");
            }
        }
        for (int port : settings.includeOutboundPorts()) {
            rules.append(NAT, ISTIO_OUTPUT, "-p", "tcp", "--dport", str(port), "-j", REDIRECT);
        }
        for (Family family : Family.values()) {
            outboundInclusions(family);
        }
        if (tproxy) {
            tproxyMarking();
        }
    }

    private void excludedInterfaces() {
        for (String name : settings.excludeInterfaces()) {
            rules.append(NAT, PREROUTING, "-i", name, "-j", "RETURN");
            rules.append(NAT, OUTPUT, "-o", name, "-j", "RETURN");
        }
        if (tproxy) {
            for (String name : settings.excludeInterfaces()) {
                rules.append(MANGLE, PREROUTING, "-i", name, "-j", "RETURN");
                rules.append(MANGLE, OUTPUT, "-o", name, "-j", "RETURN");
            }
        }
    }

    private void inboundCapture() {
        if (!settings.includeAllInboundPorts() && settings.includeInboundPorts().isEmpty()) {
            return;
        }
        String table = tproxy ? MANGLE : NAT;
        if (tproxy) {
            String mark = str(settings.tproxyMark());
            rules.append(MANGLE, DIVERT, "-j", "MARK", "--set-mark", mark);
            rules.append(MANGLE, DIVERT, "-j", "ACCEPT");
            for (Family family : Family.values()) {
                rules.append(family, MANGLE, TPROXY, "!", "-d", loopback(family), "-p", "tcp", "-j", "TPROXY",
                        "--tproxy-mark", mark + "/0xffffffff", "--on-port", str(settings.inboundCapturePort()));
            }
        }
        rules.append(table, PREROUTING, "-p", "tcp", "-j", INBOUND);
        if (settings.includeAllInboundPorts()) {
            portListReturn(table, INBOUND, "tcp", settings.excludeInboundPorts());
            if (tproxy) {
                rules.append(MANGLE, INBOUND, "-p", "tcp", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED",
                        "-j", DIVERT);
                rules.append(MANGLE, INBOUND, "-p", "tcp", "-j", TPROXY);
            } else {
                rules.append(NAT, INBOUND, "-p", "tcp", "-j", IN_REDIRECT);
            }
            return;
        }
        for (int port : settings.includeInboundPorts()) {
            if (tproxy) {
                rules.append(MANGLE, INBOUND, "-p", "tcp", "--dport", str(port), "-m", "conntrack", "--ctstate",
                        "RELATED,ESTABLISHED", "-j", DIVERT);
                rules.append(MANGLE, INBOUND, "-p", "tcp", "--dport", str(port), "-j", TPROXY);
            } else {
                rules.append(NAT, INBOUND, "-p", "tcp", "--dport", str(port), "-j", IN_REDIRECT);
            }
        }
    }

    /** A rule triple per proxy UID (or GID): loopback-to-self redirect, app-on-lo RETURN, proxy RETURN. */
    private void proxyOwnerRules(String ownerMatch, List<Long> ids, boolean exclude53FromRedirect) {
        String tunnel = str(settings.inboundTunnelPort());
        for (long id : ids) {
            for (Family family : Family.values()) {
                List<String> redirect = new ArrayList<>(List.of("-o", "lo", "!", "-d", loopback(family), "-p", "tcp"));
                redirect.addAll(exclude53FromRedirect
                        ? List.of("-m", "multiport", "!", "--dports", "53," + tunnel)
                        : List.of("!", "--dport", tunnel));
                redirect.addAll(List.of("-m", "owner", ownerMatch, str(id), "-j", IN_REDIRECT));
                rules.append(family, NAT, ISTIO_OUTPUT, redirect.toArray(String[]::new));
            }
            if (!settings.includeOutboundIpRanges().hasLoopback()) {
                if (dns) {
                    rules.append(NAT, ISTIO_OUTPUT, "-o", "lo", "-p", "tcp", "!", "--dport", "53",
                            "-m", "owner", "!", ownerMatch, str(id), "-j", "RETURN");
                } else {
                    rules.append(NAT, ISTIO_OUTPUT, "-o", "lo", "-m", "owner", "!", ownerMatch, str(id), "-j", "RETURN");
                }
            }
            rules.append(NAT, ISTIO_OUTPUT, "-m", "owner", ownerMatch, str(id), "-j", "RETURN");
        }
    }

    private void ownerGroups() {
        if (settings.ownerGroupsInclude().equals(List.of(TrafficAnnotations.WILDCARD))) {
            for (String group : settings.ownerGroupsExclude()) {
                rules.append(NAT, ISTIO_OUTPUT, "-m", "owner", "--gid-owner", group, "-j", "RETURN");
            }
            return;
        }
        List<String> noneOf = new ArrayList<>();
        for (String group : settings.ownerGroupsInclude()) {
            noneOf.addAll(List.of("-m", "owner", "!", "--gid-owner", group));
        }
        noneOf.addAll(List.of("-j", "RETURN"));
        rules.append(NAT, ISTIO_OUTPUT, noneOf.toArray(String[]::new));
    }

    private void dnsCapture() {
        boolean all = settings.captureAllDns();
        rules.append(RAW, OUTPUT, "-j", OUTPUT_DNS);
        for (Family family : Family.values()) {
            if (all || !dnsServers(family).isEmpty()) {
                rules.append(family, NAT, ISTIO_OUTPUT, "-j", OUTPUT_DNS);
            }
        }
        // Upstream writes --to-ports for TCP but --to-port for UDP; both are kept.
        dnsRedirect("tcp", "--to-ports");
        dnsRedirect("udp", "--to-port");
        for (String ownerMatch : List.of("--uid-owner", "--gid-owner")) {
            for (long id : ownerMatch.equals("--uid-owner") ? settings.proxyUids() : settings.proxyGids()) {
                rules.append(RAW, OUTPUT_DNS, "-p", "udp", "--dport", "53", "-m", "owner", ownerMatch, str(id),
                        "-j", "CT", "--zone", "1");
                rules.append(RAW, OUTPUT_DNS, "-p", "udp", "--sport", DNS_AGENT_PORT, "-m", "owner", ownerMatch,
                        str(id), "-j", "CT", "--zone", "2");
            }
        }
        if (all) {
            rules.append(RAW, PREROUTING, "-j", INBOUND);
            rules.append(RAW, OUTPUT_DNS, "-p", "udp", "--dport", "53", "-j", "CT", "--zone", "2");
            rules.append(RAW, INBOUND, "-p", "udp", "--sport", "53", "-j", "CT", "--zone", "1");
            return;
        }
        for (Family family : Family.values()) {
            if (!dnsServers(family).isEmpty()) {
                rules.append(family, RAW, PREROUTING, "-j", INBOUND);
            }
            for (String server : dnsServers(family)) {
                String host = server + hostPrefix(family);
                rules.append(family, RAW, OUTPUT_DNS, "-p", "udp", "--dport", "53", "-d", host, "-j", "CT", "--zone", "2");
                rules.append(family, RAW, INBOUND, "-p", "udp", "--sport", "53", "-s", host, "-j", "CT", "--zone", "1");
            }
        }
    }

    private void dnsRedirect(String protocol, String toPortsOption) {
        if (settings.captureAllDns()) {
            rules.append(NAT, OUTPUT_DNS, "-p", protocol, "--dport", "53", "-j", "REDIRECT", toPortsOption,
                    DNS_AGENT_PORT);
            return;
        }
        for (Family family : Family.values()) {
            for (String server : dnsServers(family)) {
                rules.append(family, NAT, OUTPUT_DNS, "-p", protocol, "--dport", "53", "-d", server + hostPrefix(family),
                        "-j", "REDIRECT", toPortsOption, DNS_AGENT_PORT);
            }
        }
    }

    private void outboundInclusions(Family family) {
        IpRanges include = settings.includeOutboundIpRanges();
        if (include.all()) {
            rules.append(family, NAT, ISTIO_OUTPUT, "-j", REDIRECT);
            for (String name : settings.rerouteVirtualInterfaces()) {
                rules.insert(family, NAT, PREROUTING, 1, "-i", name, "-j", REDIRECT);
            }
            return;
        }
        for (Cidr cidr : include.prefixes(family)) {
            for (String name : settings.rerouteVirtualInterfaces()) {
                rules.insert(family, NAT, PREROUTING, 1, "-i", name, "-d", cidr.toString(), "-j", REDIRECT);
            }
            rules.append(family, NAT, ISTIO_OUTPUT, "-d", cidr.toString(), "-j", REDIRECT);
        }
    }

    private void tproxyMarking() {
        String mark = str(settings.tproxyMark());
        rules.append(MANGLE, PREROUTING, "-p", "tcp", "-m", "mark", "--mark", mark, "-j", "CONNMARK", "--save-mark");
        rules.append(MANGLE, OUTPUT, "-p", "tcp", "-o", "lo", "-m", "mark", "--mark", mark, "-j", "RETURN");
        for (String ownerMatch : List.of("--uid-owner", "--gid-owner")) {
            for (long id : ownerMatch.equals("--uid-owner") ? settings.proxyUids() : settings.proxyGids()) {
                for (Family family : Family.values()) {
                    rules.append(family, MANGLE, OUTPUT, "!", "-d", loopback(family), "-p", "tcp", "-o", "lo",
                            "-m", "owner", ownerMatch, str(id), "-j", "MARK", "--set-mark", OUTBOUND_MARK);
                }
            }
        }
        rules.append(MANGLE, OUTPUT, "-p", "tcp", "-m", "connmark", "--mark", mark, "-j", "CONNMARK", "--restore-mark");
        rules.insert(MANGLE, INBOUND, 1, "-p", "tcp", "-m", "mark", "--mark", mark, "-j", "RETURN");
        for (Family family : Family.values()) {
            rules.insert(family, MANGLE, INBOUND, 2, "-p", "tcp", "-s", passthroughSource(family), "-i", "lo",
                    "-j", "RETURN");
        }
        rules.insert(MANGLE, INBOUND, 3, "-p", "tcp", "-i", "lo", "-m", "mark", "!", "--mark", OUTBOUND_MARK,
                "-j", "RETURN");
    }

    /** One port: {@code --dport}; more: multiport chunks of 15, a chunk of one again as {@code --dport}. */
    private void portListReturn(String table, String chain, String protocol, List<Integer> ports) {
        for (int from = 0; from < ports.size(); from += MULTIPORT_LIMIT) {
            List<Integer> chunk = ports.subList(from, Math.min(ports.size(), from + MULTIPORT_LIMIT));
            if (chunk.size() == 1) {
                rules.append(table, chain, "-p", protocol, "--dport", str(chunk.get(0)), "-j", "RETURN");
            } else {
                String list = chunk.stream().map(String::valueOf).collect(Collectors.joining(","));
                rules.append(table, chain, "-p", protocol, "-m", "multiport", "--dports", list, "-j", "RETURN");
            }
        }
    }

    private List<String> dnsServers(Family family) {
        return family == Family.V4 ? settings.dnsServersV4() : settings.dnsServersV6();
    }

    private String loopback(Family family) {
        return family == Family.V4 ? settings.ipv4LoopbackCidr().toString() : "::1/128";
    }

    /** The source address Envoy binds when it forwards inbound traffic to the app. */
    private static String passthroughSource(Family family) {
        return family == Family.V4 ? "127.0.0.6/32" : "::6/128";
    }

    private static String hostPrefix(Family family) {
        return family == Family.V4 ? "/32" : "/128";
    }

    private static String str(long value) {
        return Long.toString(value);
    }
}
