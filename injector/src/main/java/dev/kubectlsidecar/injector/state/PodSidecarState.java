package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.traffic.Verification;
import java.util.List;

/**
 * What {@code status} shows for one pod: compact (no pod object is kept), computed by {@link PodStateCalculator}
 * from the pod as the API server returns it.
 *
 * @param owner the controlling workload, {@code kind/name} (a ReplicaSet is traced to its Deployment); null for bare pods
 * @param stale injected with a sidecar that differs from what the current config renders, or injected where
 *              the policy now says no: a restart fixes it
 * @param proxyBypass injected, but an app container runs as the proxy's UID or GID, so its traffic bypasses the
 *                    proxy; the reasons say which
 * @param heldByProxy a run-to-completion pod (restartPolicy Never or OnFailure, such as a Job's) whose app
 *                    containers have all finished while its classic sidecar still runs, so it never completes
 * @param iptables VERIFIED / MISMATCH / UNKNOWN / NOT_APPLICABLE, from the init container's termination message
 * @param iptablesDiff the missing and extra rules when MISMATCH
 * @param reasons the policy's sentences, plus what to do when the pod does not match the policy
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
        boolean stale,
        boolean proxyBypass,
        boolean heldByProxy,
        Verification.Status iptables,
        List<String> iptablesDiff,
        List<String> reasons,
        String createdAt) {

    public PodSidecarState {
        iptablesDiff = List.copyOf(iptablesDiff);
        reasons = List.copyOf(reasons);
    }
}
