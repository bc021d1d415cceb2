package dev.kubectlsidecar.injector.traffic;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules istio-iptables would program for some {@link TrafficSettings}, per family, in emission order, and the
 * {@code iptables-restore} input it would feed the kernel, byte for byte.
 */
public final class IptablesRules {
    private final TrafficSettings settings;
    private final RuleLists rules;

    private IptablesRules(TrafficSettings settings, RuleLists rules) {
        this.settings = settings;
        this.rules = rules;
    }

    public static IptablesRules of(TrafficSettings settings) {
        return new IptablesRules(settings, IstioRuleGenerator.generate(settings));
    }

    public TrafficSettings settings() {
        return settings;
    }

    /** The family's rules in emission order; built for IPv6 even when {@link TrafficSettings#ipv6()} is off. */
    public List<IptablesRule> rules(Family family) {
        return rules.rules(family);
    }

    /** The tables the family's rules touch, in name order. */
    public Set<String> tables(Family family) {
        Set<String> tables = new TreeSet<>();
        rules.rules(family).forEach(rule -> tables.add(rule.table()));
        return tables;
    }

    /** The family's {@code iptables-restore --noflush} input, whatever {@link TrafficSettings#ipv6()} says. */
    public String restoreInput(Family family) {
        return RestoreFile.render(rules.rules(family));
    }

    public String restoreInputV4() {
        return restoreInput(Family.V4);
    }

    /** What istio-iptables applies with {@code ip6tables-restore}: nothing unless IPv6 is on. */
    public String restoreInputV6() {
        return settings.ipv6() ? restoreInput(Family.V6) : "";
    }
}
