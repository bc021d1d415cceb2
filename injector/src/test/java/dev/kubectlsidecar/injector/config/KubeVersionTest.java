package dev.kubectlsidecar.injector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeVersionTest {
    @ParameterizedTest
    @CsvSource({"1.29, 1.29", "v1.30, 1.30", "1.28.3, 1.28", " V1.31 , 1.31", "2.0, 2.0"})
    void parsesWhatHelmsKubeVersionTakes(String text, String expected) {
        assertThat(KubeVersion.parse(text)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "latest", "1.x", "1.29.3.4", "-1.29", "1.29-rc1", "1234.1"})
    void refusesAnythingElseNamingTheForm(String text) {
        assertThatThrownBy(() -> KubeVersion.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a Kubernetes version MAJOR.MINOR such as 1.29, got \"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({"1, 29, 1.29", "1, 29+, 1.29", "1, 28+, 1.28", "'', 29, unknown", "1, '', unknown",
            "one, 29, unknown", "1, 29-gke, unknown"})
    void readsAServersVersionFieldsOrIsUnknown(String major, String minor, String expected) {
        assertThat(KubeVersion.fromServer(major, minor)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource({"1.28, false", "1.29, true", "1.35, true", "2.0, true", "0.99, false"})
    void nativeSidecarsFrom129(String version, boolean supported) {
        assertThat(KubeVersion.parse(version).supportsNativeSidecars()).isEqualTo(supported);
    }

    @org.junit.jupiter.api.Test
    void unknownSupportsNothingAndEqualsOnlyItself() {
        assertThat(KubeVersion.UNKNOWN.supportsNativeSidecars()).isFalse();
        assertThat(KubeVersion.UNKNOWN.isKnown()).isFalse();
        assertThat(KubeVersion.fromServer(null, "29")).isEqualTo(KubeVersion.UNKNOWN);
        assertThat(KubeVersion.of(1, 29)).isEqualTo(KubeVersion.parse("v1.29.0")).isNotEqualTo(KubeVersion.UNKNOWN);
    }
}
