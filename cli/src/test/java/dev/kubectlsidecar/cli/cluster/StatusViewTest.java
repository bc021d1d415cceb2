package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusViewTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void agesAreCountedInTheLargestWholeUnit() {
        assertThat(StatusView.age("2026-11-26T09:59:30Z", NOW)).isEqualTo("30s");
        assertThat(StatusView.age("2026-11-26T09:15:00Z", NOW)).isEqualTo("45m");
        assertThat(StatusView.age("2026-11-26T01:00:00Z", NOW)).isEqualTo("9h");
        assertThat(StatusView.age("2026-10-27T10:00:00Z", NOW)).isEqualTo("30d");
        assertThat(StatusView.age("2026-11-26T10:00:05Z", NOW)).as("a clock ahead of ours").isEqualTo("0s");
    }

    @Test
    void otherIsoFormsStillParseAndNonsenseIsADash() {
        assertThat(StatusView.age("2026-11-26T09:59:30.750Z", NOW)).isEqualTo("29s");
        assertThat(StatusView.age("2026-11-26T25:00:00Z", NOW)).isEqualTo("-");
        assertThat(StatusView.age("2026-13-26T09:00:00Z", NOW)).isEqualTo("-");
        assertThat(StatusView.age("yesterday at noon!!", NOW)).isEqualTo("-");
        assertThat(StatusView.age(null, NOW)).isEqualTo("-");
    }

    @Test
    void tableColumnsAreAlignedTrailingBlanksDroppedAndTheLastColumnCut() {
        Table table = new Table(List.of("POD", "PROXY", "REASON"));
        table.add(List.of("web-1", "ready", "namespace label istio-injection=enabled matches"));
        table.add(List.of("a-much-longer-name", "", ""));
        assertThat(table.render(0)).isEqualTo("""
                POD                  PROXY   REASON
                web-1                ready   namespace label istio-injection=enabled matches
                a-much-longer-name
                """);
        assertThat(table.render(40).lines().toList().get(1)).isEqualTo("web-1                ready   namespace …")
                .hasSize(40);
    }

    @Test
    void cellsFromTheClusterAreEscapedBeforeTheyAreMeasured() {
        Table table = new Table(List.of("POD", "REASON"));
        table.add(List.of("web", "invalid annotation x=\"\u001b]0;owned\u0007\nfake\""));
        assertThat(table.render(0)).isEqualTo("""
                POD   REASON
                web   invalid annotation x="\\x1b]0;owned\\x07\\nfake"
                """);
    }
}
