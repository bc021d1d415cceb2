package dev.kubectlsidecar.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.ProxyStatus;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodStatesTest {
    private final PodStates states = new PodStates();

    @Test
    void aListForgetsThePodsItNoLongerHasInItsScopeOnly() {
        states.put(state("shop", "a", true));
        states.put(state("shop", "b", true));
        states.put(state("other", "x", false));

        states.retainOnly("shop", Map.of("shop", Set.of("a")));
        assertThat(names(states.select(null, null))).containsExactly("other/x", "shop/a");

        states.retainOnly(null, Map.of("shop", Set.of("a")));
        assertThat(names(states.select(null, null))).containsExactly("shop/a");
        assertThat(states.hasNamespace("other")).isFalse();

        states.remove("shop", "a");
        assertThat(states.size()).isZero();
        assertThat(states.hasNamespace("shop")).isFalse();
    }

    @Test
    void aStateStoredAgainReplacesTheOldOne() {
        states.put(state("shop", "a", false));
        states.put(state("shop", "a", true));
        assertThat(states.select("shop", "a")).singleElement().satisfies(s -> assertThat(s.injected()).isTrue());
        assertThat(states.size()).isEqualTo(1);
    }

    @Test
    void repeatedStringsAreSharedBetweenPodsAndTheStateIsUnchanged() {
        PodSidecarState a = state("shop", "a", true);
        states.put(a);
        states.put(state("shop", "b", true));
        PodSidecarState storedA = states.select("shop", "a").get(0);
        PodSidecarState storedB = states.select("shop", "b").get(0);

        assertThat(storedA).isEqualTo(a);
        assertThat(storedA.owner()).isSameAs(storedB.owner());
        assertThat(storedA.templateHash()).isSameAs(storedB.templateHash());
        assertThat(storedA.proxy().image()).isSameAs(storedB.proxy().image());
        assertThat(storedA.reasons().get(0).message()).isSameAs(storedB.reasons().get(0).message());
    }

    @Test
    void countsEachStateAPodIsIn() {
        states.put(state("shop", "ready", true));
        states.put(new PodSidecarState("shop", "stale-mismatch", null, true, "envoy", false, "h1",
                new ProxyStatus(true, false, 3, "envoy:1"), Verification.Status.MISMATCH, List.of("missing: -A X"),
                List.of(new Reason(ReasonCode.STALE, "sidecar differs"), new Reason(ReasonCode.PROXY_BYPASS, "runs as 1337")), null));
        states.put(new PodSidecarState("shop", "pending", null, true, "envoy", false, "h1", ProxyStatus.ABSENT,
                Verification.Status.UNKNOWN, List.of(), List.of(), null));
        states.put(state("other", "plain", false));
        states.put(new PodSidecarState("other", "missing", null, false, null, false, null, ProxyStatus.ABSENT,
                Verification.Status.NOT_APPLICABLE, List.of(), List.of(new Reason(ReasonCode.CREATED_BEFORE_ENABLED, "restart it")), null));

        assertThat(states.counts()).containsExactly(Map.entry("injected", 3L), Map.entry("not_injected", 2L),
                Map.entry("invalid", 0L), Map.entry("missing", 1L), Map.entry("stale", 1L), Map.entry("proxy_bypass", 1L),
                Map.entry("held_by_proxy", 0L), Map.entry("iptables_mismatch", 1L), Map.entry("proxy_not_ready", 2L));
    }

    /** A state as the calculator makes it: every string a fresh copy, as parsed from each pod's own JSON. */
    private static PodSidecarState state(String namespace, String name, boolean injected) {
        return new PodSidecarState(fresh(namespace), fresh(name), fresh("Deployment/web"), injected,
                injected ? fresh("envoy") : null, false, injected ? fresh("c47a10a865bdeaa5") : null,
                injected ? new ProxyStatus(true, true, 0, fresh("docker.io/envoyproxy/envoy:v1.36.2")) : ProxyStatus.ABSENT,
                injected ? Verification.Status.VERIFIED : Verification.Status.NOT_APPLICABLE, List.of(),
                List.of(new Reason(ReasonCode.NAMESPACE_ENABLED, fresh("namespace label istio-injection=enabled matches"))),
                fresh("2026-11-26T06:00:00Z"));
    }

    private static String fresh(String text) {
        return new String(text.toCharArray());
    }

    private static List<String> names(List<PodSidecarState> list) {
        return list.stream().map(s -> s.namespace() + "/" + s.name()).toList();
    }
}
