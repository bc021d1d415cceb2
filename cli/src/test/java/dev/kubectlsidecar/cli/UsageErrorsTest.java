package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.support.VersionProvider;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * One rule for every wrong command line: exit 2, one line naming the flag as typed, the value and the choices,
 * then kubectl's hint line; unknown commands in cobra's words with close-match suggestions only; -V everywhere.
 */
class UsageErrorsTest {
    private static final String NO_CLUSTER = "--kubeconfig=/nonexistent/never-read";

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(List.of("inject", "-f", "x.yaml", "-o", "xml"), "invalid argument \"xml\" for \"-o\" flag: must be one of yaml, json"),
                Arguments.of(List.of("uninject", "-f", "x.yaml", "--output=xml"), "invalid argument \"xml\" for \"--output\" flag: must be one of yaml, json"),
                Arguments.of(List.of("inject", "-f", "x.yaml", "--native-sidecar", "maybe"), "invalid argument \"maybe\" for \"--native-sidecar\" flag: must be one of auto, true, false"),
                Arguments.of(List.of("status", "-o", "table", NO_CLUSTER), "invalid argument \"table\" for \"-o\" flag: must be one of wide, json, yaml"),
                Arguments.of(List.of("verify", "-o", "yaml", NO_CLUSTER), "invalid argument \"yaml\" for \"-o\" flag: must be one of json"),
                Arguments.of(List.of("install", "--dry-run", "-o", "xml"), "invalid argument \"xml\" for \"-o\" flag: must be one of yaml, json"),
                Arguments.of(List.of("install", "--failure-policy", "Sometimes", NO_CLUSTER), "invalid argument \"Sometimes\" for \"--failure-policy\" flag: must be one of Fail, Ignore"),
                Arguments.of(List.of("install", "--timeout", "forever", NO_CLUSTER), "invalid argument \"forever\" for \"--timeout\" flag: use a duration such as 10s, 500ms, 1m30s or 1h"),
                Arguments.of(List.of("enable", "shop", "--request-timeout", "soon", NO_CLUSTER), "invalid argument \"soon\" for \"--request-timeout\" flag: use a duration such as 10s, 500ms, 1m30s or 1h"),
                Arguments.of(List.of("status", "-v", "loud", NO_CLUSTER), "invalid argument \"loud\" for \"-v\" flag: 'loud' is not an int"),
                Arguments.of(List.of("inject", "-f", "x.yaml", "--bogus"), "unknown flag: --bogus"),
                Arguments.of(List.of("inject"), "required flag \"-f, --filename\" not set"),
                Arguments.of(List.of("status", "a", "b", NO_CLUSTER), "unexpected argument \"b\""),
                Arguments.of(List.of("install", "-n", "foo", NO_CLUSTER), "invalid argument \"foo\" for \"-n\" flag: the agent always lives in namespace kubectl-sidecar"),
                Arguments.of(List.of("uninstall", "-n", "foo", NO_CLUSTER), "invalid argument \"foo\" for \"-n\" flag: the agent always lives in namespace kubectl-sidecar"),
                Arguments.of(List.of("enable", NO_CLUSTER), "missing argument NAMESPACE: name the namespaces (or one with -n)"),
                Arguments.of(List.of("disable", "shop", "-n", "shop", NO_CLUSTER), "name the namespaces either as arguments or with -n, not both"),
                Arguments.of(List.of("status", "web", "-A", NO_CLUSTER), "a pod name cannot be combined with -A: name the namespace with -n"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void exit2OneLineNamingTheFlagThenTheHint(List<String> args, String message) {
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("error: " + message + "\nSee 'kubectl sidecar " + args.get(0) + " --help' for usage.\n");
    }

    @Test
    void theLastValueOfARepeatedFlagWinsAsWithKubectl() {
        CliRun run = CliRun.of("install", "--dry-run", "-o", "yaml", "-o", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("{");
    }

    @Test
    void anUnknownCommandInCobrasWordsWithCloseMatchesOnly() {
        CliRun typo = CliRun.of("injct", "-f", "x");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).isEqualTo("""
                error: unknown command "injct" for "kubectl sidecar"

                Did you mean this?
                \tinject

                Run 'kubectl sidecar --help' for usage.
                """);
        assertThat(CliRun.of("x").err()).as("nothing is close: no suggestion")
                .isEqualTo("error: unknown command \"x\" for \"kubectl sidecar\"\nRun 'kubectl sidecar --help' for usage.\n");
        assertThat(CliRun.of("bogus").err()).doesNotContain("Did you mean");
        assertThat(CliRun.of("un").err()).as("a prefix suggests every command it starts").contains("\tuninject\n\tuninstall\n");
        assertThat(CliRun.of("Status").err()).as("case is ignored").contains("\tstatus\n");
        assertThat(CliRun.of("__complet").err()).as("hidden commands are never suggested").doesNotContain("Did you mean");
        assertThat(CliRun.of("--bogus").err()).isEqualTo("error: unknown flag: --bogus\nSee 'kubectl sidecar --help' for usage.\n");
    }

    @Test
    void durationsAreGosAsKubectlReadsThem() {
        var converter = new dev.kubectlsidecar.cli.cluster.KubeOptions.DurationConverter();
        assertThat(converter.convert("90")).hasSeconds(90);
        assertThat(converter.convert("1m30s")).hasSeconds(90);
        assertThat(converter.convert("1.5s")).hasMillis(1500);
        assertThat(converter.convert("500ms")).hasMillis(500);
        assertThat(converter.convert("2h")).hasHours(2);
        assertThat(converter.convert("0")).isZero();
        for (String bad : new String[] {"forever", "1d", "-1s", "s", "1.s", "", "999999999h"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(picocli.CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void cobrasDistance() {
        assertThat(UsageErrors.distance("status", "stauts")).isEqualTo(2);
        assertThat(UsageErrors.distance("inject", "injct")).isEqualTo(1);
        assertThat(UsageErrors.distance("", "abc")).isEqualTo(3);
        assertThat(UsageErrors.distance("verify", "verify")).isZero();
    }

    @Test
    void everySubcommandPrintsTheVersionWithDashV() {
        CommandLine root = Main.commandLine();
        List<String> names = root.getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help") && !name.equals("__complete")).toList();
        assertThat(names).contains("inject", "status", "install", "version");
        for (String name : names) {
            for (String flag : List.of("-V", "--version")) {
                CliRun run = CliRun.of(name, flag);
                assertThat(run.exitCode()).as(name + " " + flag).isZero();
                assertThat(run.out()).as(name + " " + flag).isEqualTo("kubectl-sidecar " + VersionProvider.version() + "\n");
                assertThat(CliRun.of(name, "--help").out()).as(name).contains("-V, --version");
            }
        }
        assertThat(CliRun.of("-V").out()).isEqualTo("kubectl-sidecar " + VersionProvider.version() + "\n");
    }
}
