package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionSkewTest {
    @ParameterizedTest(name = "CLI {0}, agent {1}: {2}")
    @CsvSource({
            "0.1.0, 0.1.0, OK",
            "0.2.0, 0.1.3, OK",
            "0.1.0, 0.2.0-rc.1, OK",
            "0.3.0, 0.1.0, WARN",
            "0.1.0, 0.3.0, WARN",
            "1.0.0, 0.9.0, WARN",
            "dev, 0.1.0, OK",
            "0.1.0, dev, OK"})
    void warnsBeyondOneMinorVersion(String cli, String agent, CheckResult.Level level) {
        CheckResult result = VerifyCommand.skew(cli, agent);
        assertThat(result.level()).isEqualTo(level);
        if (level == CheckResult.Level.WARN) {
            assertThat(result.hint()).contains("kubectl sidecar install");
        }
    }
}
