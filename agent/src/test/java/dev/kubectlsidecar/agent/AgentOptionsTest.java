package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    private static final List<String> TLS = List.of("--tls-cert", "c.pem", "--tls-key", "k.pem");

    private static List<String> args(String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("--standalone"));
        all.addAll(TLS);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void flagsAndDefaults() throws Exception {
        AgentOptions options = AgentOptions.parse(args("--port", "9443", "--config=/etc/c.yaml"), Map.of());
        assertThat(options.standalone()).isTrue();
        assertThat(options.port()).isEqualTo(9443);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.tlsCert()).isEqualTo(Path.of("c.pem"));
        assertThat(options.tlsKey()).isEqualTo(Path.of("k.pem"));
        assertThat(options.config()).isEqualTo(Path.of("/etc/c.yaml"));
        assertThat(options.namespace()).isEqualTo("kubectl-sidecar");
        assertThat(options.kubeVersion()).isEqualTo(KubeVersion.UNKNOWN);
        assertThat(options.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(AgentOptions.parse(args(), Map.of()).port()).isEqualTo(8443);
    }

    @Test
    void environmentVariablesAndFlagsWinOverThem() throws Exception {
        Map<String, String> env = Map.of("AGENT_STANDALONE", "true", "AGENT_PORT", "7443",
                "AGENT_NAMESPACE", "mesh", "AGENT_TLS_CERT", "/tls/tls.crt", "AGENT_TLS_KEY", "/tls/tls.key",
                "AGENT_KUBE_VERSION", "1.30");
        AgentOptions fromEnv = AgentOptions.parse(List.of(), env);
        assertThat(fromEnv.port()).isEqualTo(7443);
        assertThat(fromEnv.namespace()).isEqualTo("mesh");
        assertThat(fromEnv.tlsCert()).isEqualTo(Path.of("/tls/tls.crt"));
        assertThat(fromEnv.kubeVersion()).isEqualTo(KubeVersion.of(1, 30));
        assertThat(AgentOptions.parse(List.of("--port", "6443", "--kube-version", "v1.28.4"), env))
                .satisfies(o -> assertThat(o.port()).isEqualTo(6443))
                .satisfies(o -> assertThat(o.kubeVersion()).isEqualTo(KubeVersion.of(1, 28)));
    }

    @Test
    void helpReturnsNoOptions() throws Exception {
        assertThat(AgentOptions.parse(List.of("--help"), Map.of())).isNull();
    }

    @Test
    void badFlagsAreOneLineErrors() {
        assertThatThrownBy(() -> AgentOptions.parse(args("--bogus"), Map.of()))
                .hasMessage("unknown argument --bogus (see --help)");
        assertThatThrownBy(() -> AgentOptions.parse(args("--port", "http"), Map.of()))
                .hasMessage("--port must be a number from 0 to 65535, got \"http\"");
        assertThatThrownBy(() -> AgentOptions.parse(args("--port", "70000"), Map.of()))
                .hasMessage("--port must be a number from 0 to 65535, got \"70000\"");
        assertThatThrownBy(() -> AgentOptions.parse(args("--kube-version", "latest"), Map.of()))
                .hasMessage("--kube-version must be a Kubernetes version MAJOR.MINOR such as 1.29, got \"latest\"");
        assertThatThrownBy(() -> AgentOptions.parse(args("--config"), Map.of()))
                .hasMessage("--config needs a value");
        assertThatThrownBy(() -> AgentOptions.parse(List.of("--standalone", "--tls-cert", "c.pem"), Map.of()))
                .hasMessage("--standalone needs --tls-cert FILE and --tls-key FILE (PEM)");
        assertThatThrownBy(() -> AgentOptions.parse(TLS, Map.of()))
                .hasMessageContaining("are for --standalone");
        assertThatThrownBy(() -> AgentOptions.parse(args(), Map.of("AGENT_PORT", "-1")))
                .hasMessage("--port must be a number from 0 to 65535, got \"-1\"");
    }
}
