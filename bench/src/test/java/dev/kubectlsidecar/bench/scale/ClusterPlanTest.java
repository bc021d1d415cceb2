package dev.kubectlsidecar.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The scale run's cluster looks like a real one: the sizes asked for, unique names, and the mix it promises. */
class ClusterPlanTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private final ClusterPlan plan = ClusterPlan.of(10_000, 500, NOW);

    @Test
    void holdsThePodsAndNamespacesAskedForWithUniqueNames() {
        assertThat(plan.namespaces()).hasSize(500);
        assertThat(plan.pods()).hasSize(10_000);
        assertThat(plan.pods().stream().map(p -> p.namespace().name() + "/" + p.name()).distinct()).hasSize(10_000);
        assertThat(plan.pods().stream().filter(p -> p.namespace().name().equals("kube-system"))).hasSize(100);
        Map<ClusterPlan.NamespaceKind, Long> kinds = plan.namespaces().stream()
                .collect(Collectors.groupingBy(ClusterPlan.PlannedNamespace::kind, Collectors.counting()));
        assertThat(kinds).containsEntry(ClusterPlan.NamespaceKind.ENABLED, 350L)
                .containsEntry(ClusterPlan.NamespaceKind.DISABLED_AFTER_INJECTION, 25L)
                .containsEntry(ClusterPlan.NamespaceKind.UNLABELLED, 125L);
        assertThat(ClusterPlan.of(10_000, 500, NOW).pods()).as("the same for the same arguments").isEqualTo(plan.pods());
    }

    @Test
    void aboutSeventyPercentAreInjectedByTheEngineForTheReasonsPlanned() {
        InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());
        Map<ClusterPlan.PlannedPod, PodInjection> admitted = plan.pods().stream()
                .collect(Collectors.toMap(Function.identity(), pod -> PodFactory.admitted(engine, pod)));

        long injected = admitted.values().stream().filter(PodInjection::injected).count();
        assertThat(injected).isBetween(6_500L, 7_500L);
        admitted.forEach((pod, injection) -> {
            switch (pod.app()) {
                case NODE_AGENT, COREDNS -> assertThat(injection.injected()).as(pod.name()).isFalse();
                default -> assertThat(injection.injected()).as(pod.namespace().name() + "/" + pod.name())
                        .isEqualTo(pod.namespace().kind() == ClusterPlan.NamespaceKind.UNLABELLED
                                ? "true".equals(pod.labels().get(ClusterPlan.POD_SWITCH))
                                : !"false".equals(pod.labels().get(ClusterPlan.POD_SWITCH)));
            }
        });
    }

    @Test
    void sizesThatCannotBeAreRefused() {
        assertThatThrownBy(() -> ClusterPlan.of(0, 5, NOW)).hasMessage("pods and namespaces must be at least 1, got 0 and 5");
    }
}
