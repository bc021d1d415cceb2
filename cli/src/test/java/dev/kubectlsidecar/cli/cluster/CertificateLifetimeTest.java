package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateLifetimeTest {
    private static final Instant NOT_BEFORE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofDays(90));

    @ParameterizedTest(name = "{0} days in")
    @CsvSource(delimiter = '|', value = {
            "1   | OK   | serving certificate expires in 89d",
            "70  | OK   | serving certificate expires in 20d",
            "80  | WARN | serving certificate expires in 10d (2030-04-01T00:00:00Z), later than the agent renews it",
            "90  | FAIL | serving certificate expired on 2030-04-01T00:00:00Z: the API server refuses the agent's TLS",
            "400 | FAIL | serving certificate expired on 2030-04-01T00:00:00Z: the API server refuses the agent's TLS",
            "-1  | FAIL | serving certificate is not valid before 2030-01-01T00:00:00Z: the clocks of this machine and the agent's node differ"})
    void saysHowLongIsLeftAndWhetherTheAgentShouldHaveActed(long days, CheckResult.Level level, String message) {
        CheckResult result = CertificateLifetime.check("serving certificate", NOT_BEFORE, NOT_AFTER,
                NOT_BEFORE.plus(Duration.ofDays(days)));

        assertThat(result.level()).isEqualTo(level);
        assertThat(result.message()).isEqualTo(message);
        if (level == CheckResult.Level.FAIL && days > 0) {
            assertThat(result.hint()).startsWith("the running agent replaces it within a minute; if it stays expired, see why in "
                    + "kubectl -n kubectl-sidecar logs deploy/kubectl-sidecar-agent");
        }
    }
}
