package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InClusterSettingsTest {
    @TempDir
    Path dir;

    @Test
    void readsTheDeploymentsEnvironmentWithDefaults() {
        InClusterSettings settings = InClusterSettings.fromEnvironment(
                Map.of("AGENT_NAMESPACE", "kubectl-sidecar", "POD_NAME", "kubectl-sidecar-agent-7d9f-abcde"), dir.resolve("absent"));
        assertThat(settings).isEqualTo(new InClusterSettings("kubectl-sidecar", "kubectl-sidecar-agent", "kubectl-sidecar",
                "kubectl-sidecar-agent-7d9f-abcde"));
        assertThat(settings.dnsNames()).contains("kubectl-sidecar-agent.kubectl-sidecar.svc");
    }

    @Test
    void everyNameCanBeSetAndTheNamespaceFallsBackToTheServiceAccountFile() throws Exception {
        Path file = Files.writeString(dir.resolve("namespace"), "mesh\n");
        InClusterSettings settings = InClusterSettings.fromEnvironment(Map.of("AGENT_SERVICE", "injector",
                "AGENT_WEBHOOK_CONFIGURATION", "injector.example.com", "HOSTNAME", "injector-0"), file);
        assertThat(settings).isEqualTo(new InClusterSettings("mesh", "injector", "injector.example.com", "injector-0"));
        assertThat(settings.withNamespace("flagged").namespace()).isEqualTo("flagged");
        assertThat(settings.withServiceName("other").serviceName()).isEqualTo("other");
    }

    @Test
    void missingOrInvalidValuesAreOneLineErrorsNamingTheSource() {
        Path absent = dir.resolve("absent");
        assertThatThrownBy(() -> InClusterSettings.fromEnvironment(Map.of("POD_NAME", "p"), absent))
                .hasMessageStartingWith("the namespace is unknown: AGENT_NAMESPACE is not set and " + absent + " cannot be read");
        assertThatThrownBy(() -> InClusterSettings.fromEnvironment(Map.of("AGENT_NAMESPACE", "ns"), absent))
                .hasMessageStartingWith("POD_NAME is not set");
        assertThatThrownBy(() -> InClusterSettings.fromEnvironment(Map.of("AGENT_NAMESPACE", "Bad_NS", "POD_NAME", "p"), absent))
                .hasMessage("namespace: 'Bad_NS' is not a valid Kubernetes name");
        assertThatThrownBy(() -> InClusterSettings.fromEnvironment(
                Map.of("AGENT_NAMESPACE", "ns", "POD_NAME", "p", "AGENT_SERVICE", "a.b"), absent))
                .hasMessage("AGENT_SERVICE: 'a.b' is not a valid Kubernetes name");
    }
}
