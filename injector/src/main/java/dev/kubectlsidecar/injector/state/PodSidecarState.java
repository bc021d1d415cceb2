package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code status} shows for one pod: compact (no pod object is kept), computed by {@link PodStateCalculator}
 * from the pod as the API server returns it. Whether it is stale, bypassed, missing its sidecar… is never stored
 * apart: it is read from the reasons' codes ({@link #problems()}).
 *
 * @param owner the controlling workload, {@code kind/name} (a ReplicaSet is traced to its Deployment); null for bare pods
 * @param iptables VERIFIED / MISMATCH / UNKNOWN / NOT_APPLICABLE, from the init container's termination message
 * @param iptablesDiff the missing and extra rules when MISMATCH
 * @param reasons the policy's reasons, then what does not match it (each with its {@link ReasonCode})
 */
public record PodSidecarState(
        String namespace,
        String name,
        String owner,
        boolean injected,
        String profile,
        boolean nativeSidecar,
        String templateHash,
        ProxyStatus proxy,
        Verification.Status iptables,
        List<String> iptablesDiff,
        List<Reason> reasons,
        String createdAt) {

    public PodSidecarState {
        iptablesDiff = List.copyOf(iptablesDiff);
        reasons = List.copyOf(reasons);
    }

    /** Every problem of the pod, most urgent first; empty when all is well. */
    public Set<PodProblem> problems() {
        EnumSet<PodProblem> problems = EnumSet.noneOf(PodProblem.class);
        for (Reason reason : reasons) {
            PodProblem problem = PodProblem.of(reason.code());
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (iptables == Verification.Status.MISMATCH) {
            problems.add(PodProblem.IPTABLES_MISMATCH);
        }
        if (injected && !proxy.ready()) {
            problems.add(PodProblem.PROXY_NOT_READY);
        }
        return problems;
    }

    /** The most urgent problem, or null. */
    public PodProblem problem() {
        Set<PodProblem> problems = problems();
        return problems.isEmpty() ? null : problems.iterator().next();
    }

    public boolean has(ReasonCode code) {
        return reasons.stream().anyMatch(reason -> reason.code() == code);
    }

    /** Injected with a sidecar that differs from what the current config renders, or where the policy now says no. */
    public boolean stale() {
        return problems().contains(PodProblem.STALE);
    }

    /** Injected, but an app container runs as the proxy's UID or GID: the reasons say which. */
    public boolean proxyBypass() {
        return has(ReasonCode.PROXY_BYPASS);
    }

    /**
     * A run-to-completion pod (restartPolicy Never or OnFailure, such as a Job's) whose app containers have all
     * finished while its classic sidecar still runs, so it never completes.
     */
    public boolean heldByProxy() {
        return has(ReasonCode.HELD_BY_PROXY);
    }

    /** The policy injects the pod, but it has no sidecar. */
    public boolean missing() {
        return problems().contains(PodProblem.MISSING);
    }

    /** The reasons' sentences, in order. */
    public List<String> messages() {
        return reasons.stream().map(Reason::message).toList();
    }

    /** The last reason's sentence (what to do, when something is wrong), or null. */
    public String lastMessage() {
        return reasons.isEmpty() ? null : reasons.get(reasons.size() - 1).message();
    }
}
