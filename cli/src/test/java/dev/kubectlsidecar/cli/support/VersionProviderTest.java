package dev.kubectlsidecar.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionProviderTest {
    @Test
    void theBuildsVersionIsFoundBesideTheClass() {
        assertThat(VersionProvider.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(new VersionProvider().getVersion()).containsExactly("kubectl-sidecar " + VersionProvider.version());
    }
}
