package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.state.PodProblem;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.ProxyStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One {@link PodSidecarState} per pod, by namespace then name: the only thing kept per pod. Written by one thread
 * (the tracker's), read by any (HTTP answers, metric scrapes), which see each pod's latest state.
 *
 * <p>A stored state shares its repeated strings (namespace, owner, profile, template hash, image, reasons) with the
 * other pods' through {@link String#intern()}: with 10 000 pods that halves the memory the states take. Pod names
 * and creation times are nearly unique and stay as they are; names double as map keys.
 */
final class PodStates {
    /**
     * The states {@link #counts()} counts, as the {@code state} label of {@code kubectl_sidecar_pods}: injected or
     * not, then each {@link PodProblem}'s {@link PodProblem#metricLabel() label}, read from the pods' reason codes.
     */
    static final List<String> COUNTED = Stream.concat(Stream.of("injected", "not_injected"),
            Stream.of(PodProblem.values()).map(PodProblem::metricLabel)).toList();

    private static final Comparator<PodSidecarState> BY_NAME = Comparator.comparing(PodSidecarState::name);

    private final Map<String, Map<String, PodSidecarState>> byNamespace = new ConcurrentHashMap<>();

    void put(PodSidecarState state) {
        PodSidecarState compact = compact(state);
        byNamespace.computeIfAbsent(compact.namespace(), ns -> new ConcurrentHashMap<>()).put(compact.name(), compact);
    }

    void remove(String namespace, String name) {
        Map<String, PodSidecarState> pods = byNamespace.get(namespace);
        if (pods != null) {
            pods.remove(name);
            dropIfEmpty(namespace, pods);
        }
    }

    /**
     * After a full list: forgets the pods of {@code namespace} (every namespace when null) that the list did not
     * return. {@code listed} holds the listed pods' names by namespace.
     */
    void retainOnly(String namespace, Map<String, Set<String>> listed) {
        for (String ns : namespace == null ? Set.copyOf(byNamespace.keySet()) : Set.of(namespace)) {
            Map<String, PodSidecarState> pods = byNamespace.get(ns);
            if (pods != null) {
                pods.keySet().retainAll(listed.getOrDefault(ns, Set.of()));
                dropIfEmpty(ns, pods);
            }
        }
    }

    boolean hasNamespace(String namespace) {
        return byNamespace.containsKey(namespace);
    }

    int size() {
        return byNamespace.values().stream().mapToInt(Map::size).sum();
    }

    /** The pods of {@code namespace} (all when null), or the one named {@code pod} there, by namespace then name. */
    List<PodSidecarState> select(String namespace, String pod) {
        List<PodSidecarState> selected = new ArrayList<>();
        if (namespace == null) {
            byNamespace.keySet().stream().sorted().forEach(ns -> selected.addAll(sorted(byNamespace.get(ns))));
            return selected;
        }
        Map<String, PodSidecarState> pods = byNamespace.getOrDefault(namespace, Map.of());
        if (pod == null) {
            return sorted(pods);
        }
        PodSidecarState state = pods.get(pod);
        return state == null ? List.of() : List.of(state);
    }

    /** How many pods are in each of the {@link #COUNTED} states; a pod can be in several (injected and stale). */
    Map<String, Long> counts() {
        long[] counts = new long[COUNTED.size()];
        for (Map<String, PodSidecarState> pods : byNamespace.values()) {
            for (PodSidecarState state : pods.values()) {
                counts[state.injected() ? 0 : 1]++;
                for (PodProblem problem : state.problems()) {
                    counts[2 + problem.ordinal()]++;
                }
            }
        }
        Map<String, Long> named = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            named.put(COUNTED.get(i), counts[i]);
        }
        return named;
    }

    private void dropIfEmpty(String namespace, Map<String, PodSidecarState> pods) {
        if (pods.isEmpty()) {
            byNamespace.remove(namespace, pods);
        }
    }

    private static List<PodSidecarState> sorted(Map<String, PodSidecarState> pods) {
        if (pods == null) {
            return List.of();
        }
        List<PodSidecarState> list = new ArrayList<>(pods.values());
        list.sort(BY_NAME);
        return list;
    }

    private static PodSidecarState compact(PodSidecarState s) {
        ProxyStatus proxy = s.proxy().equals(ProxyStatus.ABSENT) ? ProxyStatus.ABSENT
                : new ProxyStatus(s.proxy().present(), s.proxy().ready(), s.proxy().restarts(), shared(s.proxy().image()));
        return new PodSidecarState(shared(s.namespace()), s.name(), shared(s.owner()), s.injected(), shared(s.profile()),
                s.nativeSidecar(), shared(s.templateHash()), proxy, s.iptables(), shared(s.iptablesDiff()),
                sharedReasons(s.reasons()), s.createdAt());
    }

    private static String shared(String text) {
        return text == null ? null : text.intern();
    }

    private static List<Reason> sharedReasons(List<Reason> reasons) {
        return reasons.isEmpty() ? List.of()
                : reasons.stream().map(reason -> new Reason(reason.code(), reason.message().intern())).toList();
    }

    private static List<String> shared(List<String> texts) {
        return texts.isEmpty() ? List.of() : texts.stream().map(String::intern).toList();
    }
}
