package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads one conformance {@code NAME.flags} line (istio-iptables flags, then {@code @key=value} settings that have no
 * flag) into {@link TrafficSettings}, the way istio-iptables reads its command line.
 */
public final class IstioFlags {
    private IstioFlags() {
    }

    public static TrafficSettings parse(String line) {
        TrafficSettings.Builder settings = TrafficSettings.builder();
        String inboundExclusions = "";
        Iterator<String> words = words(line).iterator();
        while (words.hasNext()) {
            String word = words.next();
            switch (word) {
                case "-p" -> settings.proxyPort(Integer.parseInt(words.next()));
                case "-z" -> settings.inboundCapturePort(Integer.parseInt(words.next()));
                case "-e" -> settings.inboundTunnelPort(Integer.parseInt(words.next()));
                case "-u" -> settings.proxyUids(longs(words.next()));
                case "-g" -> settings.proxyGids(longs(words.next()));
                case "-t" -> settings.tproxyMark(Long.parseLong(words.next()));
                case "-r" -> settings.tproxyRouteTable(Integer.parseInt(words.next()));
                case "-m" -> settings.interceptionMode(InterceptionMode.valueOf(words.next()));
                case "-b" -> {
                    String ports = words.next();
                    settings.includeAllInboundPorts(ports.equals("*"));
                    settings.includeInboundPorts(ports.equals("*") ? List.of() : ints(ports));
                }
                case "-d" -> inboundExclusions = words.next();
                case "-i" -> settings.includeOutboundIpRanges(ranges(words.next()));
                case "-x" -> settings.excludeOutboundIpRanges(ranges(words.next()));
                case "-q" -> settings.includeOutboundPorts(ints(words.next()));
                case "-o" -> settings.excludeOutboundPorts(ints(words.next()));
                case "-k" -> settings.rerouteVirtualInterfaces(items(words.next()));
                case "-c" -> settings.excludeInterfaces(items(words.next()));
                case "-n" -> { } // dry run: same rules
                case "--redirect-dns" -> settings.redirectDns(true);
                case "--capture-all-dns" -> settings.captureAllDns(true);
                case "--drop-invalid" -> settings.dropInvalid(true);
                default -> setting(settings, word);
            }
        }
        return settings.excludeInboundPorts(ints(inboundExclusions)).build();
    }

    private static void setting(TrafficSettings.Builder settings, String word) {
        if (!word.startsWith("@") || !word.contains("=")) {
            throw new IllegalArgumentException("unknown flag " + word);
        }
        String key = word.substring(1, word.indexOf('='));
        String value = word.substring(word.indexOf('=') + 1);
        switch (key) {
            case "ipv6" -> settings.ipv6(Boolean.parseBoolean(value));
            case "dns-servers-v4" -> settings.dnsServersV4(items(value));
            case "dns-servers-v6" -> settings.dnsServersV6(items(value));
            case "owner-groups-include" -> settings.ownerGroupsInclude(items(value));
            case "owner-groups-exclude" -> settings.ownerGroupsExclude(items(value));
            case "ipv4-loopback-cidr" -> settings.ipv4LoopbackCidr(Cidr.parse(value).orElseThrow());
            default -> throw new IllegalArgumentException("unknown setting " + word);
        }
    }

    /** Splits like a shell: blanks separate words, quotes group and are removed ({@code ''} is an empty word). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.strip().toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static IpRanges ranges(String value) {
        if (value.equals("*")) {
            return IpRanges.everything();
        }
        return IpRanges.of(items(value).stream().map(item -> Cidr.parse(item).orElseThrow()).toList());
    }

    private static List<String> items(String value) {
        return TrafficAnnotations.items(value);
    }

    private static List<Integer> ints(String value) {
        return items(value).stream().map(Integer::valueOf).toList();
    }

    private static List<Long> longs(String value) {
        return items(value).stream().map(Long::valueOf).toList();
    }
}
