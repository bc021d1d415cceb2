package dev.kubectlsidecar.injector.traffic;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One rule as istio-iptables emits it: appended ({@code -A CHAIN …}) or inserted at a 1-based position
 * ({@code -I CHAIN N …}), with its match and target tokens exactly as written.
 */
public record IptablesRule(String table, String chain, Command command, int position, List<String> params) {

    public enum Command { APPEND, INSERT }

    /** Chains and targets that iptables knows without a {@code -N}. */
    static final Set<String> BUILT_IN = Set.of(
            "INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING", "ACCEPT", "RETURN", "DROP");

    public IptablesRule {
        params = List.copyOf(params);
        if ((command == Command.INSERT) != (position > 0)) {
            throw new IllegalArgumentException("only an insert has a position, and it is 1-based: " + position);
        }
    }

    public static IptablesRule append(String table, String chain, List<String> params) {
        return new IptablesRule(table, chain, Command.APPEND, 0, params);
    }

    public static IptablesRule insert(String table, String chain, int position, List<String> params) {
        return new IptablesRule(table, chain, Command.INSERT, position, params);
    }

    /** The line of the restore file: {@code -A CHAIN params} or {@code -I CHAIN N params}. */
    public String restoreLine() {
        String head = command == Command.APPEND ? "-A " + chain : "-I " + chain + " " + position;
        return params.isEmpty() ? head : head + " " + String.join(" ", params);
    }

    /** The chain this rule jumps to, when its last two tokens are {@code -j X} (so not {@code -j REDIRECT --to-ports}). */
    public Optional<String> jumpTarget() {
        int size = params.size();
        return size >= 2 && params.get(size - 2).equals("-j") ? Optional.of(params.get(size - 1)) : Optional.empty();
    }

    public boolean inBuiltInChain() {
        return BUILT_IN.contains(chain);
    }
}
