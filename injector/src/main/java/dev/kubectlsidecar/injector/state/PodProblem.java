package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.policy.ReasonCode;
import java.util.Locale;

/**
 * What is wrong with a pod, derived from its {@link ReasonCode reason codes} and its container statuses; in order
 * of urgency, so a pod's first problem is the one to fix first. The {@link #id() ids} are stable ({@code status -o
 * json}'s {@code problem}), the {@link #metricLabel() metric labels} are the {@code state} of
 * {@code kubectl_sidecar_pods}.
 */
public enum PodProblem {
    /** An annotation, the injection record or the pod itself cannot be read: the author must fix the manifest. */
    INVALID("invalid"),
    /** The policy injects the pod but it has no sidecar: {@code kubectl sidecar rollout --missing}. */
    MISSING("missing"),
    /** The sidecar differs from what the current config injects, or should not be there: {@code rollout --stale}. */
    STALE("stale"),
    /** An app container runs as the proxy's UID or GID: its traffic is not captured. */
    PROXY_BYPASS("proxyBypass"),
    /** A run-to-completion pod's app containers have finished, but its classic sidecar keeps it running. */
    HELD_BY_PROXY("heldByProxy"),
    /** The init container applied other rules than the sidecar needs. */
    IPTABLES_MISMATCH("iptablesMismatch"),
    /** Injected, but the proxy is not ready (yet). */
    PROXY_NOT_READY("proxyNotReady");

    private final String id;

    PodProblem(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Prometheus style: {@code proxy_not_ready}. */
    public String metricLabel() {
        return id.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** The problem a reason means, or null when it is just an explanation. Every code must be listed. */
    public static PodProblem of(ReasonCode code) {
        return switch (code) {
            case HOST_NETWORK, IGNORED_NAMESPACE, NAMESPACE_ENABLED, NAMESPACE_DISABLED, NAMESPACE_NOT_LABELLED,
                 POD_OPT_IN, POD_OPT_OUT, POLICY_ENABLED, POLICY_DISABLED, INJECTED_BY_ISTIOD, OTHER_REVISION,
                 NAMESPACE_REVISION, POD_REVISION, UNKNOWN -> null;
            // warnings that a restart does not fix; their messages say what to change
            case NO_TRAFFIC_CAPTURED, UNTRUSTED_INIT -> null;
            case CREATED_BEFORE_ENABLED, WEBHOOK_SKIPPED, CREATED_BEFORE_ENABLED_OR_WEBHOOK_SKIPPED,
                 NO_WEBHOOK_CONFIGURATION -> MISSING;
            case STALE, NO_LONGER_INJECTED -> STALE;
            case PROXY_BYPASS -> PROXY_BYPASS;
            case HELD_BY_PROXY -> HELD_BY_PROXY;
            case INVALID_ANNOTATION, MALFORMED_POD -> INVALID;
        };
    }
}
