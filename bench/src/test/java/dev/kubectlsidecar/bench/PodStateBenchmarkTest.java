package dev.kubectlsidecar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.traffic.Verification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each benchmark measures the path it names: a verified injected pod, a skipped one, a state as JSON and back. */
class PodStateBenchmarkTest {
    private final PodStateBenchmark benchmark = new PodStateBenchmark();

    @BeforeEach
    void setUp() {
        benchmark.setUp();
    }

    @Test
    void theInjectedPodIsRunningWithItsRulesVerifiedAndNothingWrong() {
        PodSidecarState state = benchmark.injectedPodState();
        assertThat(state.injected()).isTrue();
        assertThat(state.iptables()).isEqualTo(Verification.Status.VERIFIED);
        assertThat(state.proxy().ready()).isTrue();
        assertThat(state.problems()).isEmpty();
        assertThat(state.owner()).isEqualTo("Deployment/orders");
    }

    @Test
    void theSkippedPodIsNeitherInjectedNorMissingItsSidecar() {
        PodSidecarState state = benchmark.skippedPodState();
        assertThat(state.injected()).isFalse();
        assertThat(state.iptables()).isEqualTo(Verification.Status.NOT_APPLICABLE);
        assertThat(state.problems()).isEmpty();
    }

    @Test
    void theStateReadBackIsTheStateWritten() {
        assertThat(benchmark.readStateJson()).containsExactly(benchmark.injectedPodState());
        assertThat(benchmark.writeStateJson().path("iptables").asString()).isEqualTo("verified");
    }
}
