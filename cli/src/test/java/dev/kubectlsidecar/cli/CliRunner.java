package dev.kubectlsidecar.cli;

/** Public entry to {@link CliRun} for tests in other packages. */
public final class CliRunner {
    public record Result(int exitCode, String out, String err) {
    }

    private CliRunner() {
    }

    public static Result run(String... args) {
        CliRun run = CliRun.of(args);
        return new Result(run.exitCode(), run.out(), run.err());
    }
}
