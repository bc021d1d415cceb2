package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the rules an init container reported in its {@link TerminationMessage} against the rules the pod's
 * settings call for. Both sides are reduced to what is ours: the {@code ISTIO_*} chains, rules in built-in chains
 * that jump to them, and our other built-in-chain rules; the user's own rules are ignored. Expected rules are put in
 * the order the kernel ends up with ({@code -I CHAIN N} inserts), and rules are compared in {@link CanonicalRule}
 * form, chain by chain and in order. Only the families the message holds are checked, since whether IPv6 applies
 * is decided in the pod.
 */
public final class RuleSetVerifier {
    private static final String OUR_CHAIN_PREFIX = "ISTIO_";

    private RuleSetVerifier() {
    }

    public static Verification verify(TrafficSettings settings, String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            return Verification.UNKNOWN;
        }
        TerminationMessage message = TerminationMessage.parse(terminationMessage);
        if (message.truncated() || message.v4().isEmpty()) {
            return Verification.UNKNOWN;
        }
        IptablesRules rules = IptablesRules.of(settings);
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (Family family : message.families()) {
            Map<String, SaveOutput.Table> actual;
            try {
                actual = SaveOutput.parse(message.block(family).orElseThrow());
            } catch (IllegalArgumentException unreadable) {
                return Verification.UNKNOWN;
            }
            new FamilyComparison(family, rules.rules(family), actual, missing, extra).run();
        }
        return Verification.of(missing, extra);
    }

    /** One family's comparison, table by table, chain by chain. */
    private record FamilyComparison(Family family, List<IptablesRule> expectedRules,
                                    Map<String, SaveOutput.Table> actual, List<String> missing, List<String> extra) {
        void run() {
            Map<String, List<IptablesRule>> byTable = new LinkedHashMap<>();
            expectedRules.forEach(rule -> byTable.computeIfAbsent(rule.table(), t -> new ArrayList<>()).add(rule));
            Set<String> tables = new LinkedHashSet<>(byTable.keySet());
            actual.forEach((table, saved) -> {
                if (saved.chains().stream().anyMatch(chain -> chain.startsWith(OUR_CHAIN_PREFIX))) {
                    tables.add(table);
                }
            });
            for (String table : tables) {
                compareTable(table, byTable.getOrDefault(table, List.of()),
                        actual.getOrDefault(table, new SaveOutput.Table(List.of(), List.of())));
            }
        }

        private void compareTable(String table, List<IptablesRule> expected, SaveOutput.Table saved) {
            String prefix = "[" + (family == Family.V4 ? "ipv4" : "ipv6") + "] -t " + table + " ";
            Set<String> expectedChains = RestoreFile.chainsToCreate(expected);
            expectedChains.stream().filter(chain -> !saved.chains().contains(chain))
                    .forEach(chain -> missing.add(prefix + "-N " + chain));
            saved.chains().stream().filter(chain -> chain.startsWith(OUR_CHAIN_PREFIX) && !expectedChains.contains(chain))
                    .forEach(chain -> extra.add(prefix + "-N " + chain));

            Map<String, List<IptablesRule>> expectedByChain = kernelOrder(expected);
            Set<String> chains = new LinkedHashSet<>(expectedByChain.keySet());
            saved.rules().forEach(rule -> chains.add(rule.chain()));
            for (String chain : chains) {
                List<IptablesRule> want = expectedByChain.getOrDefault(chain, List.of());
                List<String> wantCanonical = want.stream().map(rule -> CanonicalRule.of(rule.params())).toList();
                List<SaveOutput.SavedRule> have = saved.rules().stream()
                        .filter(rule -> rule.chain().equals(chain))
                        .filter(rule -> isOurs(rule, wantCanonical))
                        .toList();
                List<String> haveCanonical = have.stream().map(rule -> CanonicalRule.of(rule.params())).toList();
                boolean[][] common = OrderedDiff.common(wantCanonical, haveCanonical);
                for (int i = 0; i < want.size(); i++) {
                    if (!common[0][i]) {
                        IptablesRule rule = want.get(i);
                        missing.add(prefix + "-A " + chain + " " + String.join(" ", rule.params()));
                    }
                }
                for (int i = 0; i < have.size(); i++) {
                    if (!common[1][i]) {
                        extra.add(prefix + have.get(i).line());
                    }
                }
            }
        }

        private static boolean isOurs(SaveOutput.SavedRule rule, List<String> expectedInChain) {
            if (rule.chain().startsWith(OUR_CHAIN_PREFIX)) {
                return true;
            }
            List<String> params = rule.params();
            int jump = params.lastIndexOf("-j");
            boolean jumpsToOurs = jump >= 0 && jump + 1 < params.size()
                    && params.get(jump + 1).startsWith(OUR_CHAIN_PREFIX);
            return jumpsToOurs || expectedInChain.contains(CanonicalRule.of(params));
        }

        /** Per chain, the rules in the order the kernel holds them after the appends and inserts. */
        private static Map<String, List<IptablesRule>> kernelOrder(List<IptablesRule> rules) {
            Map<String, List<IptablesRule>> chains = new LinkedHashMap<>();
            for (IptablesRule rule : rules) {
                List<IptablesRule> chain = chains.computeIfAbsent(rule.chain(), c -> new ArrayList<>());
                if (rule.command() == IptablesRule.Command.APPEND) {
                    chain.add(rule);
                } else {
                    chain.add(Math.min(rule.position() - 1, chain.size()), rule);
                }
            }
            return chains;
        }
    }
}
