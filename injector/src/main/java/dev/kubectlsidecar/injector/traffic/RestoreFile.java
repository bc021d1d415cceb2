package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Serialises one family's rules as istio-iptables' {@code buildRestore} does: tables in name order, each as
 * {@code * table}, the {@code -N} lines, the rules in emission order and {@code COMMIT}.
 */
final class RestoreFile {
    private RestoreFile() {
    }

    static String render(List<IptablesRule> rules) {
        Map<String, List<IptablesRule>> byTable = new TreeMap<>();
        for (IptablesRule rule : rules) {
            byTable.computeIfAbsent(rule.table(), table -> new ArrayList<>()).add(rule);
        }
        StringBuilder file = new StringBuilder();
        byTable.forEach((table, tableRules) -> {
            file.append("* ").append(table).append('\n');
            for (String chain : chainsToCreate(tableRules)) {
                file.append("-N ").append(chain).append('\n');
            }
            for (IptablesRule rule : tableRules) {
                file.append(rule.restoreLine()).append('\n');
            }
            file.append("COMMIT\n");
        });
        return file.toString();
    }

    /** Custom chains first in order of first use as a rule's chain, then those only ever jumped to. */
    static Set<String> chainsToCreate(List<IptablesRule> tableRules) {
        Set<String> chains = new LinkedHashSet<>();
        for (IptablesRule rule : tableRules) {
            if (!rule.inBuiltInChain()) {
                chains.add(rule.chain());
            }
        }
        for (IptablesRule rule : tableRules) {
            rule.jumpTarget().filter(target -> !IptablesRule.BUILT_IN.contains(target)).ifPresent(chains::add);
        }
        return chains;
    }
}
