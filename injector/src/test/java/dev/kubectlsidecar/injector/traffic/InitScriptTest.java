package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InitScriptTest {

    /** Case names, resolved inside each test, so that a missing conformance corpus skips that case only. */
    static Stream<String> settings() {
        return Stream.of("defaults", "exhaustive", "tproxy", "Istio's tproxy vector");
    }

    private static TrafficSettings settings(String name) {
        TrafficSettings defaults = RuleSetVerifierTest.injectedDefaults();
        return switch (name) {
            case "defaults" -> defaults;
            case "exhaustive" -> RuleSetVerifierTest.exhaustive();
            case "tproxy" -> defaults.toBuilder().interceptionMode(InterceptionMode.TPROXY).build();
            default -> IstioFlags.parse(ConformanceVectors.read("tproxy", "flags"));
        };
    }

    @ParameterizedTest
    @MethodSource("settings")
    void isAShCommandEmbeddingBothRestoreInputsVerbatim(String name) {
        TrafficSettings settings = settings(name);
        List<String> command = InitScript.command(settings);
        IptablesRules rules = IptablesRules.of(settings);

        assertThat(command).hasSize(3).startsWith("sh", "-c");
        assertThat(command.get(2))
                .contains("rules_v4=" + InitScript.quote(rules.restoreInput(Family.V4)) + "\n")
                .contains("rules_v6=" + InitScript.quote(rules.restoreInput(Family.V6)) + "\n")
                .contains(rules.restoreInput(Family.V4))
                .startsWith("set -eu\n");
    }

    @ParameterizedTest
    @MethodSource("settings")
    void passesShsSyntaxCheck(String name) throws Exception {
        TrafficSettings settings = settings(name);
        Process check = new ProcessBuilder("sh", "-n", "-c", InitScript.command(settings).get(2))
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void aBrokenScriptFailsTheSyntaxCheck() throws Exception {
        Process check = new ProcessBuilder("sh", "-n", "-c", InitScript.command(RuleSetVerifierTest.injectedDefaults())
                .get(2) + "\nif then fi").start();

        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).isNotZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "it's", "'", "''", "a'b'c", "$HOME `id` \"x\" \\n", "line\nbreak"})
    void quotingSurvivesTheShell(String text) throws IOException, InterruptedException {
        Process echo = new ProcessBuilder("sh", "-c", "printf '%s' " + InitScript.quote(text)).start();
        String printed = new String(echo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(echo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).isEqualTo(text);
    }

    @Test
    void onlyOurBuiltInChainRulesThatJumpNowhereAreDeletedOneByOne() {
        List<IptablesRule> rules = IptablesRules.of(RuleSetVerifierTest.exhaustive()).rules(Family.V4);

        List<String> deletions = List.of(InitScript.ownedRuleDeletions(rules).split("\n"));

        assertThat(deletions).contains(
                "nat -D PREROUTING -i tap0 -j RETURN",
                "nat -D OUTPUT -o eth9 -j RETURN",
                "mangle -D PREROUTING -i eth9 -j RETURN",
                "mangle -D PREROUTING -p tcp -m mark --mark 1337 -j CONNMARK --save-mark",
                "mangle -D OUTPUT ! -d 127.0.0.1/8 -p tcp -o lo -m owner --uid-owner 1337 -j MARK --set-mark 1338");
        assertThat(deletions).noneMatch(line -> line.contains("-j ISTIO_")).noneMatch(line -> line.contains(" ISTIO_"));
        assertThat(InitScript.ownedRuleDeletions(IptablesRules.of(RuleSetVerifierTest.injectedDefaults())
                .rules(Family.V4))).isEmpty();
    }

    @Test
    void theTerminationLogComesFromTheEnvironmentWithKubernetesDefault() {
        assertThat(InitScript.command(RuleSetVerifierTest.injectedDefaults()).get(2))
                .contains("termination_log=\"${TERMINATION_LOG:-/dev/termination-log}\"");
    }

    @Test
    void tproxyModeSetsUpPolicyRoutingForItsMarkAndTable() {
        TrafficSettings tproxy = RuleSetVerifierTest.injectedDefaults().toBuilder()
                .interceptionMode(InterceptionMode.TPROXY).tproxyMark(7).tproxyRouteTable(99).build();

        assertThat(InitScript.command(tproxy).get(2)).contains("tproxy_routing 7 99 -4", "tproxy_routing 7 99 -6");
        assertThat(InitScript.command(RuleSetVerifierTest.injectedDefaults()).get(2))
                .doesNotContain("tproxy_routing 1337");
    }

    @Test
    void theDefaultImageIsPinned() {
        assertThat(InitScript.DEFAULT_IMAGE).startsWith("registry.k8s.io/").matches(".*:v\\d+\\.\\d+\\.\\d+");
    }
}
