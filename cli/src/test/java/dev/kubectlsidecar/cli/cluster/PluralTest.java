package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void oneIsSingularEverythingElsePlural() {
        assertThat(Plural.of(1, "pod")).isEqualTo("1 pod");
        assertThat(Plural.of(0, "pod")).isEqualTo("0 pods");
        assertThat(Plural.of(2, "iptables problem")).isEqualTo("2 iptables problems");
        assertThat(Plural.of(1, "pod has", "pods have")).isEqualTo("1 pod has");
        assertThat(Plural.of(3, "pod has", "pods have")).isEqualTo("3 pods have");
    }
}
