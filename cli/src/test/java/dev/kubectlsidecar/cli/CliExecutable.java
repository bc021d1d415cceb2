package dev.kubectlsidecar.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one switch that runs the CLI's and e2e's suites against a built executable instead of the classes in this
 * JVM: {@code -Dkubectl-sidecar.executable=PATH} (absolute, or relative to the repository), e.g. the native image
 * {@code cli/target/kubectl-sidecar}. Unset, every run is in-process, as before. Set, every run is a child process
 * with the test's environment and working directory, so a class or resource missing from a native image fails the
 * test that needed it.
 */
public final class CliExecutable {
    public static final String PROPERTY = "kubectl-sidecar.executable";
    private static final long TIMEOUT_SECONDS = 300;

    /** What one run printed and how it ended. */
    public record Output(int exitCode, String out, String err) {
    }

    private CliExecutable() {
    }

    /** The executable named by the switch, if it is set. */
    public static Optional<Path> configured() {
        String value = System.getProperty(PROPERTY, "").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(System.getProperty("repo.dir", ".")).resolve(value).toAbsolutePath().normalize();
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + value + ": " + path + " is not an executable file");
        }
        return Optional.of(path);
    }

    /** The command that starts the CLI: the configured executable, else {@code java -jar jar}. */
    public static List<String> command(Path jar) {
        return configured().map(path -> List.of(path.toString())).orElseGet(() -> List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    }

    /** Runs the configured executable with these arguments and this standard input, and waits for it. */
    public static Output run(Path executable, String stdin, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("kubectl-sidecar-out", ".txt");
            err = Files.createTempFile("kubectl-sidecar-err", ".txt");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedEarly) {
                // the command did not read its standard input: nothing was lost that it wanted
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Output(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file of a finished test
            }
        }
    }
}
