package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopLevelHelpTest {

    @Test
    void theBuildRenderedTheCurrentHelp() {
        assertThat(TopLevelHelp.prerendered()).as("help.txt made by the build (process-classes)")
                .isEqualTo(TopLevelHelp.render())
                .startsWith("Usage: kubectl sidecar [-hV] [COMMAND]")
                .contains("inject", "status", "verify", "install");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--help", "-h", "help"})
    void mainPrintsItWithoutBuildingTheCommands(String arg) {
        String[] args = arg.isEmpty() ? new String[0] : new String[] {arg};
        assertThat(TopLevelHelp.asked(args)).isTrue();
        assertThat(printedByMain(args)).isEqualTo(TopLevelHelp.render());
    }

    @Test
    void picocliAnswersTheSameWithoutArguments() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(TopLevelHelp.render());
    }

    @Test
    void otherArgumentsAreNotTheTopLevelHelp() {
        assertThat(TopLevelHelp.asked(new String[] {"inject", "--help"})).isFalse();
        assertThat(TopLevelHelp.asked(new String[] {"help", "inject"})).isFalse();
        assertThat(TopLevelHelp.asked(new String[] {"--help", "-V"})).isFalse();
    }

    private static synchronized String printedByMain(String[] args) {
        if (CliExecutable.configured().isPresent()) {
            return CliRun.of(args).out(); // the executable's own main
        }
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Main.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
