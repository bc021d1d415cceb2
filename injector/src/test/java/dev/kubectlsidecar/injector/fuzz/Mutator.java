package dev.kubectlsidecar.injector.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of manifest text, the hostile inputs a webhook or a CI pipeline may be handed: truncations,
 * type swaps, huge strings, deep nesting, duplicate keys, invalid bytes, absurd numbers and CIDRs.
 */
public final class Mutator {
    private static final List<String> VALUES = List.of("99999999999999999999", "-1", "10.0.0.0/33", "1.2.3.4",
            "*", "", "null", "[]", "{}", "\"\\u0000\"", "0x10", "1e400", "~", "'", "!!binary AAAA", "&a", "*a",
            "yes", "65536", "15001,,,,", "::/129", "a".repeat(10_000));
    private static final List<String> KEYS = List.of("traffic.sidecar.istio.io/excludeOutboundPorts",
            "traffic.sidecar.istio.io/includeOutboundIPRanges", "traffic.sidecar.istio.io/excludeInboundPorts",
            "sidecar.istio.io/proxyCPU", "sidecar.istio.io/nativeSidecar", "sidecar.istio.io/inject",
            "sidecar.istio.io/status", "kubectl-sidecar/profile", "sidecar.istio.io/proxyImage", "proxy.istio.io/overrides");

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    public String mutate(String text) {
        return switch (random.nextInt(9)) {
            case 0 -> text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> replaceValue(text, VALUES.get(random.nextInt(VALUES.size())));
            case 2 -> insertLine(text, "  " + KEYS.get(random.nextInt(KEYS.size())) + ": \""
                    + VALUES.get(random.nextInt(VALUES.size())).replace("\"", "") + "\"");
            case 3 -> "[".repeat(5_000 + random.nextInt(50_000)) + text;
            case 4 -> insertLine(text, "kind: Pod");
            case 5 -> flipByte(text);
            case 6 -> text.replace("containers:", random.nextBoolean() ? "containers: 7" : "containers: {}");
            case 7 -> annotate(text);
            default -> text + "\n---\n" + text.substring(random.nextInt(text.length() + 1));
        };
    }

    private String replaceValue(String text, String value) {
        int colon = nth(text, ": ");
        return colon < 0 ? text : text.substring(0, colon + 2) + value + text.substring(lineEnd(text, colon));
    }

    private String insertLine(String text, String line) {
        int at = lineEnd(text, random.nextInt(text.length() + 1));
        return text.substring(0, at) + "\n" + line + text.substring(at);
    }

    private String annotate(String text) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        String value = VALUES.get(random.nextInt(VALUES.size())).replace("'", "");
        return text.replaceFirst("(?m)^(\\s*)template:\\s*$", "$1template:\n$1  metadata:\n$1    annotations:\n$1      "
                + java.util.regex.Matcher.quoteReplacement(key + ": '" + value + "'"));
    }

    private String flipByte(String text) {
        char[] chars = text.toCharArray();
        if (chars.length > 0) {
            chars[random.nextInt(chars.length)] = (char) random.nextInt(0x80);
        }
        return new String(chars);
    }

    private int nth(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        if (count == 0) {
            return -1;
        }
        int target = random.nextInt(count);
        int at = text.indexOf(needle);
        for (int i = 0; i < target; i++) {
            at = text.indexOf(needle, at + 1);
        }
        return at;
    }

    private static int lineEnd(String text, int from) {
        int end = text.indexOf('\n', Math.min(from, text.length()));
        return end < 0 ? text.length() : end;
    }
}
