package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for the bundled examples, side by side: {@code examples/NAME.yaml} in,
 * {@code examples/expected/NAME.yaml} (stdout) and {@code NAME.report} (stderr) out, the examples as their authors
 * wrote them (the {@code as-written-*} ones with comments, flow maps, anchors, CRLF, empty documents) and each
 * golden the same text with only the injected parts added. A stale golden fails;
 * {@code -Dgolden.update=true} rewrites them (review the diff before committing).
 */
class ExamplesGoldenTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("repo.dir", "..")).resolve("examples");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void injectMatchesTheGolden(Path example) throws IOException {
        String name = example.getFileName().toString();
        CliRun run = CliRun.of("inject", "--offline", "-f", example.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path expectedOut = EXAMPLES.resolve("expected").resolve(name);
        Path expectedReport = EXAMPLES.resolve("expected").resolve(name.replace(".yaml", ".report"));
        String report = run.err().replace(example.toString(), "examples/" + name);
        if (UPDATE) {
            Files.createDirectories(expectedOut.getParent());
            Files.writeString(expectedOut, run.out(), StandardCharsets.UTF_8);
            Files.writeString(expectedReport, report, StandardCharsets.UTF_8);
        }
        assertThat(run.out()).isEqualTo(Files.readString(expectedOut));
        assertThat(report).isEqualTo(Files.readString(expectedReport));

        CliRun back = CliRun.withStdin(run.out(), "uninject", "-f", "-");
        assertThat(back.exitCode()).isZero();
        assertThat(back.out()).as("uninject(inject(x)) == x, byte for byte").isEqualTo(Files.readString(example));
        CliRun again = CliRun.withStdin(run.out(), "inject", "--offline", "-f", "-");
        assertThat(again.out()).as("inject(inject(x)) == inject(x)").isEqualTo(run.out());
    }
}
