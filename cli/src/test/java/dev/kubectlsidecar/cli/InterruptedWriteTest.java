package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inject --output-file} and {@code --in-place} killed with SIGKILL, as a separate process, at three points
 * of their work: while reading the input, halfway through writing the temporary file, and with the temporary file
 * complete but not yet renamed. Each time the old file is byte for byte as it was and the only other trace is the
 * hidden temporary file named after it and the dead process (none before writing began); the next run replaces
 * the file whole and removes the leftover. The child is stopped at each point by a debugger (see
 * {@link PausedCli}), never by timing.
 */
class InterruptedWriteTest {
    private static final String OLD = "# the file as it was before any run\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\n";

    @TempDir
    Path dir;
    @TempDir
    Path inputs;
    @TempDir
    Path logs;

    private static String deployments(int count) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < count; i++) {
            yaml.append("""
                    ---
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web-%d}
                    spec:
                      template:
                        metadata: {labels: {app: web-%d}}
                        spec:
                          containers: [{name: web, image: web:1}]
                    """.formatted(i, i));
        }
        return yaml.toString();
    }

    private static Path write(Path directory, String name, String text) throws IOException {
        return Files.writeString(directory.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private int runToTheEnd(List<String> args) throws Exception {
        Process process = PausedCli.child(logs, args).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the run ends").isTrue();
        return process.exitValue();
    }

    @Test
    void killedWhileReadingItsInput() throws Exception {
        Path out = write(dir, "out.yaml", OLD);
        StringBuilder configMaps = new StringBuilder();
        for (int i = 0; configMaps.length() < 2 << 20; i++) {
            configMaps.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-").append(i).append("}\ndata: {k: ")
                    .append("v".repeat(200)).append("}\n");
        }
        byte[] input = configMaps.toString().getBytes(StandardCharsets.UTF_8);
        List<String> args = List.of("inject", "--offline", "-f", "-", "--output-file", out.toString());

        Process child = PausedCli.child(logs, args).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        OutputStream stdin = child.getOutputStream();
        // Half the input, through a pipe that holds 64 KiB: once written, the child has read all but that much of
        // it, and it cannot write anything before it sees the end of its input.
        stdin.write(input, 0, input.length / 2);
        stdin.flush();
        child.destroyForcibly();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        assertThat(read(out)).isEqualTo(OLD);
        assertThat(files()).as("nothing was created").containsExactly("out.yaml");

        Path whole = write(inputs, "config-maps.yaml", configMaps.toString());
        List<String> fromFile = List.of("inject", "--offline", "-f", whole.toString(), "--output-file", out.toString());
        assertThat(runToTheEnd(fromFile)).isZero();
        assertThat(read(out)).isEqualTo(CliRun.of("inject", "--offline", "-f", whole.toString()).out());
    }

    @Test
    void killedHalfwayThroughWritingTheTemporaryFile() throws Exception {
        Path input = write(inputs, "app.yaml", deployments(40));
        Path out = write(dir, "out.yaml", OLD);
        String expected = CliRun.of("inject", "--offline", "-f", input.toString()).out();
        long expectedBytes = expected.getBytes(StandardCharsets.UTF_8).length;
        assertThat(expectedBytes).as("written in many 8 KiB chunks").isGreaterThan(16 * 8192);
        List<String> args = List.of("inject", "--offline", "-f", input.toString(), "--output-file", out.toString());

        String leftover;
        try (PausedCli cli = PausedCli.start(logs, args)) {
            cli.runUntil("sun.nio.ch.FileChannelImpl", "write", 3);
            leftover = AtomicFile.temporaryName("out.yaml", cli.pid());
            assertThat(Files.size(dir.resolve(leftover))).as("part of the output is on disk").isPositive()
                    .isLessThan(expectedBytes);
            assertThat(read(out)).isEqualTo(OLD);
            assertThat(cli.kill()).as("killed by SIGKILL").isEqualTo(137);
        }
        assertThat(read(out)).isEqualTo(OLD);
        assertThat(files()).as("the killed run's hidden temporary file").containsExactly(leftover, "out.yaml");
        assertThat(leftover).startsWith(".out.yaml.kubectl-sidecar-").endsWith(".tmp");

        assertThat(runToTheEnd(args)).isZero();
        assertThat(read(out)).isEqualTo(expected);
        assertThat(files()).as("the leftover of the killed run is gone").containsExactly("out.yaml");
    }

    @Test
    void killedWithTheTemporaryFileCompleteButNotRenamed() throws Exception {
        String original = deployments(3);
        Path file = write(dir, "app.yaml", original);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        String expected = CliRun.of("inject", "--offline", "-f", file.toString()).out();
        List<String> args = List.of("inject", "--offline", "-f", file.toString(), "--in-place");

        String leftover;
        try (PausedCli cli = PausedCli.start(logs, args)) {
            cli.runUntil("java.nio.file.Files", "move", 0);
            leftover = AtomicFile.temporaryName("app.yaml", cli.pid());
            assertThat(read(dir.resolve(leftover))).as("the whole new file, synced").isEqualTo(expected);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(leftover))))
                    .isEqualTo("rw-r-----");
            assertThat(read(file)).isEqualTo(original);
            assertThat(cli.kill()).as("killed by SIGKILL").isEqualTo(137);
        }
        assertThat(read(file)).isEqualTo(original);
        assertThat(files()).containsExactly(leftover, "app.yaml");

        assertThat(runToTheEnd(args)).isZero();
        assertThat(read(file)).isEqualTo(expected);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(files()).containsExactly("app.yaml");
    }

    @Test
    void onlyTheLeftoversOfProcessesThatAreGoneAreRemoved() throws Exception {
        Path input = write(inputs, "app.yaml", deployments(1));
        Path out = write(dir, "out.yaml", OLD);
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        Process finished = PausedCli.child(logs, List.of("--help")).start();
        finished.waitFor(120, TimeUnit.SECONDS);
        String running = write(dir, AtomicFile.temporaryName("out.yaml", alive), "another run's").getFileName().toString();
        write(dir, AtomicFile.temporaryName("out.yaml", finished.pid()), "a killed run's");
        write(dir, ".out.yaml.kubectl-sidecar-x.tmp", "not ours");

        CliRun run = CliRun.of("inject", "--offline", "-f", input.toString(), "--output-file", out.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(files()).containsExactly(running, ".out.yaml.kubectl-sidecar-x.tmp", "out.yaml");
    }
}
