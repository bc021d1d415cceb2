package dev.kubectlsidecar.cli;

import picocli.CommandLine.Option;

/** kubectl's {@code -v}: any level makes errors print their stack trace (see {@link ErrorHandler}). */
final class Verbosity {
    @Option(names = {"-v", "--v"}, arity = "0..1", fallbackValue = "1", paramLabel = "LEVEL",
            description = "Verbosity; any level prints stack traces on errors.")
    Integer level;
}
