package dev.kubectlsidecar.testkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void parsesGitVersions() {
        assertThat(ServerVersion.parse("v1.31.0")).isEqualTo(new ServerVersion("v1.31.0", 1, 31));
        assertThat(ServerVersion.parse("v1.28.3-gke.100").minor()).isEqualTo(28);
    }

    @Test
    void aBadVersionIsNamed() {
        assertThatThrownBy(() -> ServerVersion.parse("1.31"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server version: expected vMAJOR.MINOR.PATCH like v1.31.0, got \"1.31\"");
    }
}
