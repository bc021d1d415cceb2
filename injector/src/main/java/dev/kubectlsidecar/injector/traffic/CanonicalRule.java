package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's matches and target in a form that is equal for the rule as written for {@code iptables-restore} and as
 * {@code iptables-save} prints it back: the kernel reorders options, adds the implicit {@code -m tcp}/{@code -m udp},
 * appends {@code /32} to bare addresses and clears host bits, prints marks in hex with their masks, spells
 * {@code --set-mark} as {@code --set-xmark} and {@code --to-port} as {@code --to-ports}, and adds default options.
 * Matches are ANDed, so they are compared as a sorted list; each match keeps its own options together.
 */
final class CanonicalRule {
    private static final Set<String> ADDRESS_OPTIONS = Set.of("-s", "-d");
    private static final Set<String> BASE_OPTIONS = Set.of("-p", "-s", "-d", "-i", "-o", "-f");
    private static final Map<String, String> LONG_NAMES = Map.ofEntries(
            Map.entry("--protocol", "-p"), Map.entry("--source", "-s"), Map.entry("--src", "-s"),
            Map.entry("--destination", "-d"), Map.entry("--dst", "-d"), Map.entry("--in-interface", "-i"),
            Map.entry("--out-interface", "-o"), Map.entry("--match", "-m"), Map.entry("--jump", "-j"),
            Map.entry("--goto", "-g"), Map.entry("--destination-port", "--dport"),
            Map.entry("--source-port", "--sport"), Map.entry("--destination-ports", "--dports"),
            Map.entry("--source-ports", "--sports"), Map.entry("--to-port", "--to-ports"),
            Map.entry("--set-mark", "--set-xmark"));
    /** Options the kernel prints although nobody wrote them, with the value that means "not set". */
    private static final Set<String> DEFAULTS = Set.of(
            "--nfmask 4294967295", "--ctmask 4294967295", "--on-ip 0.0.0.0", "--on-ip ::");
    private static final Pattern NUMBER = Pattern.compile("0[xX][0-9a-fA-F]{1,8}|[0-9]{1,10}");
    private static final long FULL_MASK = 0xffffffffL;

    private CanonicalRule() {
    }

    static String of(List<String> params) {
        List<String> matches = new ArrayList<>();
        List<String> group = null;
        String groupName = null;
        String protocol = null;
        boolean negate = false;
        for (int i = 0; i < params.size(); i++) {
            String token = LONG_NAMES.getOrDefault(params.get(i), params.get(i));
            if (token.equals("!")) {
                negate = true;
                continue;
            }
            String not = negate ? "! " : "";
            negate = false;
            if (BASE_OPTIONS.contains(token) || token.equals("-m") || token.equals("-j") || token.equals("-g")) {
                if (group != null) {
                    matches.add(groupText(groupName, group));
                    group = null;
                }
                if (token.equals("-j") || token.equals("-g")) {
                    List<String> options = options(params.subList(i + 2, params.size()));
                    matches.sort(null);
                    return String.join(" ", matches) + " " + token + " " + params.get(i + 1)
                            + (options.isEmpty() ? "" : " " + String.join(" ", options));
                }
                String value = params.get(++i);
                if (token.equals("-m")) {
                    groupName = value;
                    group = new ArrayList<>();
                } else {
                    if (token.equals("-p")) {
                        protocol = value.toLowerCase();
                        value = protocol;
                    }
                    matches.add(not + token + " " + (ADDRESS_OPTIONS.contains(token) ? address(value) : value));
                }
                continue;
            }
            if (group == null) {
                // an option without -m belongs to the protocol's implicit match, which the kernel prints as -m tcp
                groupName = protocol;
                group = new ArrayList<>();
            }
            int end = valueEnd(params, i + 1);
            group.add(not + option(token, params.subList(i + 1, end)));
            i = end - 1;
        }
        if (group != null) {
            matches.add(groupText(groupName, group));
        }
        matches.sort(null);
        return String.join(" ", matches);
    }

    private static String groupText(String name, List<String> options) {
        List<String> sorted = new ArrayList<>(options);
        sorted.removeAll(DEFAULTS);
        sorted.sort(null);
        return "-m " + name + (sorted.isEmpty() ? "" : " " + String.join(" ", sorted));
    }

    /** A target's options, defaults dropped, sorted. */
    private static List<String> options(List<String> tokens) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < tokens.size(); ) {
            String name = LONG_NAMES.getOrDefault(tokens.get(i), tokens.get(i));
            int end = valueEnd(tokens, i + 1);
            options.add(option(name, tokens.subList(i + 1, end)));
            i = end;
        }
        options.removeAll(DEFAULTS);
        options.sort(null);
        return options;
    }

    private static int valueEnd(List<String> tokens, int from) {
        int end = from;
        while (end < tokens.size() && !tokens.get(end).startsWith("-") && !tokens.get(end).equals("!")) {
            end++;
        }
        return end;
    }

    private static String option(String name, List<String> values) {
        StringBuilder text = new StringBuilder(LONG_NAMES.getOrDefault(name, name));
        for (String value : values) {
            text.append(' ').append(name.equals("--ctstate") ? sortedList(value) : number(value));
        }
        return text.toString();
    }

    /** {@code 0x539} → {@code 1337}; {@code 0x539/0xffffffff} → {@code 1337}; anything else unchanged. */
    private static String number(String value) {
        String[] parts = value.split("/", -1);
        if (parts.length > 2 || !Arrays.stream(parts).allMatch(part -> NUMBER.matcher(part).matches())) {
            return value;
        }
        long number = parse(parts[0]);
        if (parts.length == 2 && parse(parts[1]) != FULL_MASK) {
            return number + "/" + parse(parts[1]);
        }
        return Long.toString(number);
    }

    private static long parse(String number) {
        return number.startsWith("0x") || number.startsWith("0X")
                ? Long.parseLong(number.substring(2), 16) : Long.parseLong(number);
    }

    private static String sortedList(String value) {
        String[] items = value.split(",");
        Arrays.sort(items);
        return String.join(",", items);
    }

    /** {@code 127.0.0.1} → {@code 127.0.0.1/32}; {@code 127.0.0.1/8} → {@code 127.0.0.0/8}. */
    private static String address(String value) {
        String withPrefix = value.contains("/") ? value : value + (value.contains(":") ? "/128" : "/32");
        return Cidr.parse(withPrefix).map(cidr -> cidr.masked().toString()).orElse(value);
    }
}
