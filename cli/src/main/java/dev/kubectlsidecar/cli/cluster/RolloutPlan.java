package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.state.PodProblem;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code rollout} restarts, read from the pods' problem states (never their sentences): the workloads
 * (Deployment, StatefulSet, DaemonSet) of the pods missing their sidecar or running a stale one, by namespace (in the
 * order the pods come: the command's) then kind/name; and the pods no restart reaches (Jobs, CronJobs' pods, bare pods, standalone ReplicaSets).
 */
record RolloutPlan(List<Workload> workloads, List<PodSidecarState> cannotRestart, List<PodSidecarState> noWebhook) {

    /** One workload to restart, with the pods that made it one. */
    record Workload(String namespace, String owner, List<PodSidecarState> pods) {
        String kind() {
            return Workloads.kind(owner);
        }

        String name() {
            return Workloads.name(owner);
        }

        /** {@code deployment/web -n shop}, as kubectl names it. */
        String describe() {
            return kind().toLowerCase(java.util.Locale.ROOT) + "/" + name() + " -n " + namespace;
        }

        Set<PodProblem> problems() {
            EnumSet<PodProblem> problems = EnumSet.noneOf(PodProblem.class);
            pods.forEach(pod -> problems.addAll(pod.problems()));
            problems.retainAll(FIXED_BY_RESTART);
            return problems;
        }

        /** Only pods whose sidecar should go: the agent is not needed to restart them. */
        boolean onlyRemovesSidecars() {
            return pods.stream().allMatch(pod -> pod.has(ReasonCode.NO_LONGER_INJECTED));
        }
    }

    static final Set<PodProblem> FIXED_BY_RESTART = EnumSet.of(PodProblem.MISSING, PodProblem.STALE);

    RolloutPlan {
        workloads = List.copyOf(workloads);
        cannotRestart = List.copyOf(cannotRestart);
        noWebhook = List.copyOf(noWebhook);
    }

    /**
     * @param missing restart workloads whose pods lack their sidecar
     * @param stale restart workloads whose pods run a stale one
     */
    static RolloutPlan of(List<PodSidecarState> pods, boolean missing, boolean stale) {
        Map<String, Map<String, List<PodSidecarState>>> byNamespace = new LinkedHashMap<>(); // in the pods' order
        List<PodSidecarState> cannotRestart = new ArrayList<>();
        List<PodSidecarState> noWebhook = new ArrayList<>();
        for (PodSidecarState pod : pods) {
            Set<PodProblem> problems = pod.problems();
            boolean needed = missing && problems.contains(PodProblem.MISSING) || stale && problems.contains(PodProblem.STALE);
            if (!needed) {
                continue;
            }
            if (pod.has(ReasonCode.NO_WEBHOOK_CONFIGURATION)) {
                noWebhook.add(pod); // a restart would not inject it
            } else if (pod.owner() == null || !Workloads.RESTARTABLE.contains(Workloads.kind(pod.owner()))) {
                cannotRestart.add(pod);
            } else {
                byNamespace.computeIfAbsent(pod.namespace(), ns -> new TreeMap<>())
                        .computeIfAbsent(pod.owner(), owner -> new ArrayList<>()).add(pod);
            }
        }
        List<Workload> workloads = new ArrayList<>();
        byNamespace.forEach((namespace, owners) -> owners.forEach((owner, owned) -> workloads.add(new Workload(namespace, owner, owned))));
        return new RolloutPlan(workloads, cannotRestart, noWebhook);
    }
}
