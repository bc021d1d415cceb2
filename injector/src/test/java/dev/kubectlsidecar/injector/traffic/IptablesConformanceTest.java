package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Istio {@code TestIptables} vector: the generated restore inputs equal the upstream ones exactly. */
class IptablesConformanceTest {

    static List<String> vectors() {
        return ConformanceVectors.names();
    }

    @Test
    void allThirtyVectorsArePresent() {
        assertThat(vectors()).hasSize(ConformanceVectors.EXPECTED_COUNT).contains("empty", "tproxy", "dns-uid-gid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void restoreInputsMatchIstio(String name) {
        TrafficSettings settings = IstioFlags.parse(ConformanceVectors.read(name, "flags"));
        GoldenFile golden = GoldenFile.parse(ConformanceVectors.read(name, "golden"));

        IptablesRules rules = IptablesRules.of(settings);

        assertThat(rules.restoreInputV4().strip()).as("IPv4 restore input").isEqualTo(golden.v4());
        assertThat(rules.restoreInputV6().strip()).as("IPv6 restore input").isEqualTo(golden.v6());
    }
}
