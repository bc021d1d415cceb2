package dev.kubectlsidecar.injector.policy;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The stable code of a {@link Reason}: what {@code status -o json}, the agent's {@code /api/v1/status},
 * {@code verify}, {@code rollout} and the metrics read. The {@link #id() ids} are documented (README, "Reason
 * codes") and never change meaning; a new reason gets a new constant here and, because the switch in
 * {@code state.PodProblem#of} must cover every constant, says there which problem it is.
 */
public enum ReasonCode {
    // The policy's reasons (who gets a sidecar).
    HOST_NETWORK("hostNetwork"),
    IGNORED_NAMESPACE("ignoredNamespace"),
    NAMESPACE_ENABLED("namespaceEnabled"),
    NAMESPACE_DISABLED("namespaceDisabled"),
    NAMESPACE_NOT_LABELLED("namespaceNotLabelled"),
    POD_OPT_IN("podOptIn"),
    POD_OPT_OUT("podOptOut"),
    POLICY_ENABLED("policyEnabled"),
    POLICY_DISABLED("policyDisabled"),
    // Next to istiod (the istio profile).
    INJECTED_BY_ISTIOD("injectedByIstiod"),
    OTHER_REVISION("otherRevision"),
    NAMESPACE_REVISION("namespaceRevision"),
    POD_REVISION("podRevision"),
    // What a running pod's state adds: a sidecar missing, stale or bypassed, a record or annotation unreadable.
    CREATED_BEFORE_ENABLED("createdBeforeEnabled"),
    WEBHOOK_SKIPPED("webhookSkipped"),
    CREATED_BEFORE_ENABLED_OR_WEBHOOK_SKIPPED("createdBeforeEnabledOrWebhookSkipped"),
    NO_WEBHOOK_CONFIGURATION("noWebhookConfiguration"),
    STALE("stale"),
    NO_LONGER_INJECTED("noLongerInjected"),
    PROXY_BYPASS("proxyBypass"),
    /** A Job's pod whose app containers have finished while its classic sidecar keeps it running. */
    HELD_BY_PROXY("heldByProxy"),
    /** Injected, but the pod's annotations leave no traffic captured: the proxy sees nothing (a warning). */
    NO_TRAFFIC_CAPTURED("noTrafficCaptured"),
    /** istio-init is not what the injector renders: its report of the rules is not trusted (iptables unknown). */
    UNTRUSTED_INIT("untrustedInit"),
    INVALID_ANNOTATION("invalidAnnotation"),
    MALFORMED_POD("malformedPod"),
    /** A code this version does not know (written by a newer agent): read, shown, never acted on. */
    UNKNOWN("unknown");

    private static final Map<String, ReasonCode> BY_ID = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(ReasonCode::id, Function.identity()));

    private final String id;

    ReasonCode(String id) {
        this.id = id;
    }

    /** The code as written in JSON. */
    public String id() {
        return id;
    }

    /** The code of {@code id}, or {@link #UNKNOWN}. */
    public static ReasonCode ofId(String id) {
        return id == null ? UNKNOWN : BY_ID.getOrDefault(id, UNKNOWN);
    }
}
