package dev.kubectlsidecar.injector.traffic;

import java.util.List;

/**
 * The outcome of comparing the rules a pod's init container reported with the rules its settings call for.
 * {@code missing} lists expected rules and chains the kernel lacks (as generated), {@code extra} lists rules and
 * chains of ours the kernel has but should not (as {@code iptables-save} printed them); each entry starts with the
 * family, e.g. {@code [ipv4] -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN}.
 */
public record Verification(Status status, List<String> missing, List<String> extra) {

    public enum Status {
        /** The kernel holds exactly the expected rules. */
        VERIFIED,
        /** Something is missing, extra or out of order. */
        MISMATCH,
        /** Nothing to compare: no, an unreadable or a truncated termination message. */
        UNKNOWN,
        /** The pod captures no traffic, so there is nothing to verify. */
        NOT_APPLICABLE
    }

    public static final Verification UNKNOWN = new Verification(Status.UNKNOWN, List.of(), List.of());
    public static final Verification NOT_APPLICABLE = new Verification(Status.NOT_APPLICABLE, List.of(), List.of());

    public Verification {
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
    }

    static Verification of(List<String> missing, List<String> extra) {
        return new Verification(missing.isEmpty() && extra.isEmpty() ? Status.VERIFIED : Status.MISMATCH, missing, extra);
    }
}
