package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The two ordered rule lists, IPv4 and IPv6, that istio-iptables' rule builder fills. */
final class RuleLists {
    private final Map<Family, List<IptablesRule>> rules = new EnumMap<>(Family.class);

    RuleLists() {
        for (Family family : Family.values()) {
            rules.put(family, new ArrayList<>());
        }
    }

    /** Appends to both families. */
    void append(String table, String chain, String... params) {
        for (Family family : Family.values()) {
            append(family, table, chain, params);
        }
    }

    void append(Family family, String table, String chain, String... params) {
        rules.get(family).add(IptablesRule.append(table, chain, List.of(params)));
    }

    /** Inserts into both families. */
    void insert(String table, String chain, int position, String... params) {
        for (Family family : Family.values()) {
            insert(family, table, chain, position, params);
        }
    }

    void insert(Family family, String table, String chain, int position, String... params) {
        rules.get(family).add(IptablesRule.insert(table, chain, position, List.of(params)));
    }

    List<IptablesRule> rules(Family family) {
        return List.copyOf(rules.get(family));
    }
}
