package dev.kubectlsidecar.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * Config updates: the same config again keeps the engine (the ConfigMap watch's first event repeats what the agent
 * started with, and recomputing every pod's state for it would cost a second start), a different one replaces it, an
 * invalid one is rejected and the last good one keeps serving.
 */
class EngineHolderTest {
    private static final String POLICY_DISABLED = defaultConfigText().replace("\npolicy: enabled\n", "\npolicy: disabled\n");

    private static String defaultConfigText() {
        try (var in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSameConfigAgainKeepsTheEngineAndSaysSo() {
        EngineHolder holder = new EngineHolder("start", ConfigLoader.embeddedDefault(), "kubectl-sidecar", new AgentMetrics());
        InjectionEngine first = holder.engine();
        assertThat(holder.use("the embedded default (no ConfigMap)", ConfigLoader.embeddedDefault()))
                .isEqualTo(EngineHolder.Update.UNCHANGED);
        assertThat(holder.engine()).isSameAs(first);
        assertThat(holder.readinessCheck().check().detail()).contains("the embedded default (no ConfigMap)");
    }

    @Test
    void aDifferentConfigServesAndAnInvalidOneIsRejected() {
        EngineHolder holder = new EngineHolder("start", ConfigLoader.embeddedDefault(), "kubectl-sidecar", new AgentMetrics());
        InjectionEngine first = holder.engine();
        assertThat(POLICY_DISABLED).contains("\npolicy: disabled\n");
        assertThat(holder.apply("ConfigMap", POLICY_DISABLED)).isEqualTo(EngineHolder.Update.SERVED);
        InjectionEngine second = holder.engine();
        assertThat(second).isNotSameAs(first);
        assertThat(holder.apply("ConfigMap", POLICY_DISABLED)).isEqualTo(EngineHolder.Update.UNCHANGED);
        assertThat(holder.apply("ConfigMap", "policy: [not, a, policy]\n")).isEqualTo(EngineHolder.Update.REJECTED);
        assertThat(holder.engine()).isSameAs(second);
        assertThat(holder.valid()).isFalse();
        assertThat(holder.apply("ConfigMap", POLICY_DISABLED)).as("the same good config after a rejected one")
                .isEqualTo(EngineHolder.Update.UNCHANGED);
        assertThat(holder.valid()).isTrue();
    }
}
